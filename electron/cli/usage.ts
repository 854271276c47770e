// Usage text for `kith`, kept apart from the commands so `kith --help` loads nothing else.

export const PEOPLE_VERBS_USAGE = `  person rename ID NAME… | person merge TARGET_ID ID… | person hide ID | person unhide ID
  person cover ID FACE_ID            [--library DIR] [--json]
                   Name (at most 200 characters, no control characters; an empty NAME clears it),
                   merge into the first id, hide, show, set the cover face.
  face move FACE_ID… --to PERSON_ID|new | face split FACE_ID… | face reject FACE_ID…
  face confirm FACE_ID… --to PERSON_ID   [--library DIR] [--json]
                   Move faces (and keep them there), split them off into a new person, "not this
                   person" (remembered forever), confirm suggested faces.
  undo | redo [--library DIR] [--json]   Revert or re-apply the last correction.
  history [--limit N] [--library DIR] [--json]   The corrections, newest first.
`;

export const EXPORT_USAGE = `  export --format json|csv|folders|xmp|embeddings [--out DIR] [--named-only] [--library DIR]
         [--link hard|symlink|copy] [--sidecar photo.jpg.xmp|photo.xmp] [--dtype int8|float32] [--json]
                   Export people and their faces; xmp writes sidecars next to the photos unless --out.
`;

export const USAGE = `Usage: kith <command> [options]

Commands:
  scan <folder>... [--library DIR] [--models-dir DIR] [--pipeline ID] [--workers N] [--min-face PX] [--json]
                   Find, align and embed the faces in photo folders, then group them into people.
  people [--library DIR] [--json]
                   List people and unassigned faces.
  recluster [--threshold T] [--library DIR] [--json]
                   Regroup all faces (ids, names and corrections kept); --threshold sets stricter ↔ looser.
${PEOPLE_VERBS_USAGE}${EXPORT_USAGE}  models [--models-dir DIR] [--json]
                   Show the model pipelines, which are available here, and the execution providers.
  bench <benchmark> [options]
                   Benchmarks, in a source checkout only (bench/): kith bench --help lists them.

--library defaults to the Kith app's own library folder (KITH_LIBRARY overrides it).
--models-dir (or KITH_MODELS_DIR) is a folder with extra model files, e.g. YuNet and MobileFaceNet.
--pipeline: auto (default: a library's own pipeline, else the best one whose model files are present), or an id from kith models, e.g. yunet-faceplugin-128, fast, faceplugin-128.
`;
