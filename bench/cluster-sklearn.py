#!/usr/bin/python3
"""Reference clustering with scikit-learn, for comparing Kith's ml/cluster against.

Reads n×d float32 embeddings (raw little-endian, row-major), runs
AgglomerativeClustering(linkage, distance_threshold) and writes the labels as raw int32 plus
a JSON line with the time on stdout.

  /usr/bin/python3 bench/cluster-sklearn.py EMB.f32 N D THRESHOLD OUT.i32 \
      [--linkage average|single|complete] [--metric euclidean|sqeuclidean]

THRESHOLD is squared L2, as in Kith. --metric euclidean (default) is what the product issue
names: sklearn's metric='euclidean' with the threshold converted to sqrt(THRESHOLD). For single
and complete linkage that is the same clustering as Kith's; for average it differs slightly,
because sklearn averages distances and Kith averages squared distances. --metric sqeuclidean
passes a precomputed squared-L2 matrix, which is exactly Kith's criterion (O(n²) memory:
8·n² bytes, 3.2 GB at 20k).

Needs Debian's python3-sklearn (apt-get install -y python3-sklearn); run with /usr/bin/python3,
not a pyenv python that lacks it.
"""
import argparse
import json
import math
import sys
import time

import numpy as np
from sklearn.cluster import AgglomerativeClustering


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("embeddings")
    p.add_argument("n", type=int)
    p.add_argument("d", type=int)
    p.add_argument("threshold", type=float, help="squared L2")
    p.add_argument("out")
    p.add_argument("--linkage", default="average", choices=["average", "single", "complete"])
    p.add_argument("--metric", default="euclidean", choices=["euclidean", "sqeuclidean"])
    a = p.parse_args()

    x = np.fromfile(a.embeddings, dtype="<f4", count=a.n * a.d).reshape(a.n, a.d).astype(np.float64)
    start = time.perf_counter()
    cpu_start = time.process_time()
    if a.metric == "euclidean":
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="euclidean",
            linkage=a.linkage,
            distance_threshold=math.sqrt(a.threshold),
        )
        labels = model.fit_predict(x)
    else:
        # ‖a−b‖² = ‖a‖² + ‖b‖² − 2a·b, clipped at 0 against rounding.
        sq = (x * x).sum(axis=1)
        dist = np.maximum(sq[:, None] + sq[None, :] - 2.0 * (x @ x.T), 0.0)
        np.fill_diagonal(dist, 0.0)
        model = AgglomerativeClustering(
            n_clusters=None,
            metric="precomputed",
            linkage=a.linkage,
            distance_threshold=a.threshold,
        )
        labels = model.fit_predict(dist)
    seconds = time.perf_counter() - start
    # CPU of all the process's threads: on a shared machine wall seconds count others' turns too.
    cpu_seconds = time.process_time() - cpu_start
    # sklearn merges while distance < threshold; Kith while ≤ — equal for continuous data.
    labels.astype("<i4").tofile(a.out)
    json.dump(
        {"seconds": seconds, "cpu_seconds": cpu_seconds, "clusters": int(labels.max()) + 1, "linkage": a.linkage, "metric": a.metric},
        sys.stdout,
    )
    print()


if __name__ == "__main__":
    main()
