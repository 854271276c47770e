#!/usr/bin/python3
"""OpenCV peer for `kith bench peers`: the pipeline digiKam runs (OpenCV DNN: YuNet detection with
its 5 points, similarity alignment onto the ArcFace template, a 112x112 embedder).

SFace's model is not available offline, so the embedder is MobileFaceNet through cv2.dnn; and
OpenCV 4.6's FaceDetectorYN only reads the older YuNet export, so YuNet runs through
cv2.dnn.readNetFromONNX with the post-processing FaceDetectorYN does (score = sqrt(cls * obj),
offsets in cells, log-size boxes, NMSBoxes).

Usage: /usr/bin/python3 opencv_pipeline.py JOB.json   (job written by bench/peers/run.ts)
Prints one JSON object on stdout; progress lines ("progress DONE TOTAL") on stderr.
"""
import json
import struct
import sys
import time

import cv2
import numpy as np

STRIDES = (8, 16, 32)


# --- A minimal protobuf rewrite: give the ONNX graph input a static shape --------------------
# OpenCV 4.6 cannot import the dynamic-shape YuNet export (its Shape nodes see zero dims); with
# the input fixed to [1, 3, H, W] the importer folds them. One net per padded input size.

def _read_varint(b, i):
    shift = value = 0
    while True:
        c = b[i]
        i += 1
        value |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return value, i


def _varint(v):
    out = bytearray()
    while True:
        c = v & 0x7F
        v >>= 7
        if v:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def _fields(b):
    i = 0
    while i < len(b):
        key, i = _read_varint(b, i)
        num, wire = key >> 3, key & 7
        if wire == 0:
            _, j = _read_varint(b, i)
        elif wire == 1:
            j = i + 8
        elif wire == 5:
            j = i + 4
        elif wire == 2:
            n, i = _read_varint(b, i)
            j = i + n
        else:
            raise ValueError('unsupported protobuf wire type %d' % wire)
        yield num, wire, b[i:j]
        i = j


def _field(num, wire, payload):
    return _varint(num << 3 | wire) + (_varint(len(payload)) if wire == 2 else b'') + payload


def _rewrite(b, path, leaf):
    if not path:
        return leaf(b)
    return b''.join(
        _field(n, w, _rewrite(v, path[1:], leaf) if w == 2 and n == path[0] else v)
        for n, w, v in _fields(b))


def static_input_shape(model, dims):
    """ModelProto.graph(7) > input(11) > type(2) > tensor_type(1) > shape(2) > dim(1) := dim_value."""
    dims = iter(dims)

    def leaf(shape):
        return b''.join(
            _field(1, 2, _field(1, 0, _varint(next(dims)))) if n == 1 and w == 2 else _field(n, w, v)
            for n, w, v in _fields(shape))

    return _rewrite(model, [7, 11, 2, 1, 2], leaf)


def _constant_scalar(node_fields):
    """The float of a Constant node holding one float32 (attribute value > TensorProto)."""
    for n, w, attr in node_fields:
        if n != 5:
            continue
        for an, aw, tensor in _fields(attr):
            if an == 5:  # AttributeProto.t
                for tn, tw, tv in _fields(tensor):
                    if tn == 9 and len(tv) == 4:  # raw_data
                        return struct.unpack('<f', tv)[0]
                    if tn == 4 and tw == 5:  # float_data
                        return struct.unpack('<f', tv)[0]
    return None


def legacy_clip(model):
    """Turns opset-11 Clip(x, min, max) with constant bounds into the opset-6 form (attributes),
    the only one OpenCV 4.6's importer reads (MobileFaceNet's ReLU6 layers are such Clips)."""
    def graph(g):
        nodes = [(n, w, v) for n, w, v in _fields(g)]
        consts = {}
        for n, w, v in nodes:
            if n == 1:
                f = list(_fields(v))
                if any(fn == 4 and fv == b'Constant' for fn, _, fv in f):
                    value = _constant_scalar(f)
                    for fn, _, fv in f:
                        if fn == 2 and value is not None:
                            consts[fv] = value
        out = []
        for n, w, v in nodes:
            if n == 1:
                f = list(_fields(v))
                ins = [fv for fn, _, fv in f if fn == 1]
                if any(fn == 4 and fv == b'Clip' for fn, _, fv in f) and len(ins) == 3 \
                        and ins[1] in consts and ins[2] in consts:
                    attrs = b''.join(
                        _field(5, 2, _field(1, 2, name) + _field(2, 5, struct.pack('<f', consts[i]))
                               + _field(20, 0, _varint(1)))
                        for name, i in ((b'min', ins[1]), (b'max', ins[2])))
                    v = _field(1, 2, ins[0]) + b''.join(_field(fn, fw, fv) for fn, fw, fv in f if fn != 1) + attrs
            out.append(_field(n, w, v))
        return b''.join(out)

    return _rewrite(model, [7], graph)


# --- YuNet -------------------------------------------------------------------------------------

class YuNet:
    def __init__(self, path, nms_iou, min_face):
        with open(path, 'rb') as f:
            self.model = f.read()
        self.nets = {}
        self.nms_iou = nms_iou
        self.min_face = min_face
        self.setup_seconds = 0.0

    def _net(self, h, w):
        net = self.nets.get((h, w))
        if net is None:
            t = time.perf_counter()
            buf = np.frombuffer(static_input_shape(self.model, [1, 3, h, w]), np.uint8)
            net = cv2.dnn.readNetFromONNX(buf)
            self.names = net.getUnconnectedOutLayersNames()
            self.nets[(h, w)] = net
            # Building a net per input size is an artefact of the 4.6 workaround (FaceDetectorYN
            # sets its input size without re-import), so it is kept out of the measured time.
            self.setup_seconds += time.perf_counter() - t
        return net

    def detect(self, img, score_threshold, side):
        """Faces as rows [x, y, w, h, 10 landmark coords, score] in image pixels."""
        h0, w0 = img.shape[:2]
        scale = min(1.0, side / max(h0, w0)) if side else 1.0
        w, h = max(1, round(w0 * scale)), max(1, round(h0 * scale))
        small = img if scale == 1.0 else cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
        pw, ph = -(-w // 32) * 32, -(-h // 32) * 32
        padded = np.zeros((ph, pw, 3), np.uint8)
        padded[:h, :w] = small
        net = self._net(ph, pw)
        net.setInput(cv2.dnn.blobFromImage(padded))  # BGR, 0-255, as FaceDetectorYN feeds it
        out = dict(zip(self.names, net.forward(self.names)))
        rows = []
        for stride in STRIDES:
            cols = pw // stride
            cls = np.clip(out['cls_%d' % stride].reshape(-1), 0, 1)
            obj = np.clip(out['obj_%d' % stride].reshape(-1), 0, 1)
            score = np.sqrt(cls * obj)
            keep = np.nonzero(score >= score_threshold)[0]
            if keep.size == 0:
                continue
            c = (keep % cols).astype(np.float32)
            r = (keep // cols).astype(np.float32)
            bbox = out['bbox_%d' % stride].reshape(-1, 4)[keep]
            kps = out['kps_%d' % stride].reshape(-1, 10)[keep]
            cx, cy = (c + bbox[:, 0]) * stride, (r + bbox[:, 1]) * stride
            bw, bh = np.exp(bbox[:, 2]) * stride, np.exp(bbox[:, 3]) * stride
            pts = np.empty_like(kps)
            pts[:, 0::2] = (kps[:, 0::2] + c[:, None]) * stride
            pts[:, 1::2] = (kps[:, 1::2] + r[:, None]) * stride
            rows.append(np.column_stack([cx - bw / 2, cy - bh / 2, bw, bh, pts, score[keep]]))
        if not rows:
            return np.zeros((0, 15), np.float32)
        faces = np.concatenate(rows)
        idx = cv2.dnn.NMSBoxes(faces[:, :4].tolist(), faces[:, 14].tolist(), score_threshold, self.nms_iou)
        faces = faces[np.array(idx, dtype=np.int64).reshape(-1)]
        faces[:, :14] /= scale
        return faces[np.minimum(faces[:, 2], faces[:, 3]) >= self.min_face]


# --- Alignment and embedding -------------------------------------------------------------------

class Embedder:
    def __init__(self, path, template, size, mean, std, rgb):
        with open(path, 'rb') as f:
            self.net = cv2.dnn.readNetFromONNX(np.frombuffer(legacy_clip(f.read()), np.uint8))
        self.template = np.asarray(template, np.float32)
        self.size, self.mean, self.std, self.rgb = size, mean, std, rgb

    def align(self, img, points):
        m, _ = cv2.estimateAffinePartial2D(np.asarray(points, np.float32).reshape(5, 2), self.template,
                                           method=cv2.LMEDS)
        return cv2.warpAffine(img, m, (self.size, self.size), flags=cv2.INTER_LINEAR, borderValue=0)

    def embed(self, crop):
        blob = cv2.dnn.blobFromImage(crop, 1.0 / self.std, (self.size, self.size),
                                     (self.mean, self.mean, self.mean), swapRB=self.rgb)
        self.net.setInput(blob)
        v = self.net.forward().reshape(-1)
        return v / max(float(np.linalg.norm(v)), 1e-12)


def central_face(faces, width, height):
    """Same rule as Kith's pickCentralFace: larger and nearer the centre wins."""
    if len(faces) == 0:
        return None
    dx = faces[:, 0] + faces[:, 2] / 2 - width / 2
    dy = faces[:, 1] + faces[:, 3] / 2 - height / 2
    return faces[int(np.argmax(np.sqrt(faces[:, 2] * faces[:, 3]) - np.hypot(dx, dy)))]


def main(job_path):
    with open(job_path) as f:
        job = json.load(f)
    cv2.setNumThreads(job['threads'])
    det = YuNet(job['detector'], job['nms_iou'], job['min_face'])
    emb = Embedder(job['embedder'], job['template'], 112, 127.5, 127.5, True)
    files = job['files']
    result = {'peer': 'opencv', 'version': cv2.__version__, 'threads': cv2.getNumThreads()}
    faces_total = 0
    skipped = 0
    boxes = {}
    embeddings = {}
    no_face = 0
    # Warm-up on a blank image so the first photo does not carry one-off initialisation.
    det.detect(np.zeros((256, 256, 3), np.uint8), job['score'], job['side'])
    emb.embed(np.zeros((112, 112, 3), np.uint8))
    det.setup_seconds = 0.0
    start = time.perf_counter()
    for i, file in enumerate(files):
        img = cv2.imread(file, cv2.IMREAD_COLOR)  # applies EXIF orientation
        if img is None:
            skipped += 1
            continue
        if job['mode'] == 'speed':
            faces = det.detect(img, job['score'], job['side'])
            for face in faces:
                emb.embed(emb.align(img, face[4:14]))
            faces_total += len(faces)
            boxes[file] = [[round(float(v), 1) for v in face[:4]] for face in faces]
        else:
            h, w = img.shape[:2]
            face = central_face(det.detect(img, job['score'], job['side']), w, h)
            if face is None:
                face = central_face(det.detect(img, job['retryScore'], job['side']), w, h)
            if face is None:
                no_face += 1
            else:
                faces_total += 1
                embeddings[file] = [round(float(v), 6) for v in emb.embed(emb.align(img, face[4:14]))]
        print('progress %d %d' % (i + 1, len(files)), file=sys.stderr, flush=True)
    seconds = time.perf_counter() - start - det.setup_seconds
    result.update({'mode': job['mode'], 'photos': len(files) - skipped, 'skipped': skipped,
                   'faces': faces_total, 'seconds': seconds,
                   'setup_seconds': det.setup_seconds})
    if job['mode'] == 'speed':
        result['boxes'] = boxes
    else:
        result['embeddings'] = embeddings
        result['no_face'] = no_face
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: opencv_pipeline.py JOB.json')
    main(sys.argv[1])
