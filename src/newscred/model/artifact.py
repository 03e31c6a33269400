"""The model artifact: a directory that explains itself and loads without pickle.

::

    default/
      manifest.json     format version, name, version, library versions, training-data digests,
                        sha256 of every other file (the contract; see docs/artifact.md)
      config.json       hyper-parameters, intercept, calibration, thresholds
      vocabulary.json   the model's terms per feature block, in weight order, and its function words
      arrays.npz        idf, coefficients, style scaler (numpy, loaded with allow_pickle=False)
      lexicon.json      frequent words of the training corpora (truncation and "is this English news?")
      metrics.json      evaluation at training time (leave-one-dataset-out and more)
      README.md         the model card, generated from metrics.json

Loading re-hashes every file and refuses an artifact whose hashes, format version or file list
do not match: a tampered model never scores silently.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import CorruptArtifactError, IncompatibleArtifactError, ModelNotFoundError
from .content import ContentModel

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_REQUIRED = ("config.json", "vocabulary.json", "arrays.npz", "lexicon.json")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Artifact:
    """A loaded model artifact: the content model plus everything said about it."""

    path: Path
    manifest: dict[str, Any]
    model: ContentModel
    lexicon: frozenset[str]
    metrics: dict[str, Any]
    sha256: str
    #: sorted fingerprints of the training texts (:func:`newscred.corpus.dedup.text_fingerprints`);
    #: ``None`` for artifacts saved without them
    training_fingerprints: np.ndarray | None = None

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def version(self) -> str:
        return str(self.manifest["version"])


def _library_versions() -> dict[str, str]:
    import sklearn

    from .. import __version__

    return {"newscred": __version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__}


#: the training texts' fingerprints, in artifacts that keep them
TRAINING_TEXTS = "training_texts.npz"


def save_artifact(
    model: ContentModel,
    path: str | os.PathLike[str],
    *,
    name: str,
    version: str,
    lexicon: list[str],
    metrics: dict[str, Any] | None = None,
    training_data: list[dict[str, Any]] | None = None,
    card: str | None = None,
    training_texts: Sequence[Sequence[str]] | None = None,
) -> Path:
    """Write ``model`` as an artifact directory.

    The directory is built next to its destination and moved into place at the end, so an
    interrupted save never leaves a half-written model where a good one was.  ``training_texts``
    (the normalised word lists the model was fitted on) are kept as sorted 64-bit fingerprints,
    not as text: ``newscred evaluate`` uses them to mark scores measured on the model's own
    training data.
    """
    config, arrays, vocabulary = model.state()
    files: dict[str, bytes] = {
        "config.json": json.dumps(config, indent=2, sort_keys=True).encode(),
        "vocabulary.json": json.dumps(vocabulary, ensure_ascii=True).encode(),
        "lexicon.json": json.dumps(sorted(lexicon), ensure_ascii=True).encode(),
        "metrics.json": json.dumps(metrics or {}, indent=2, sort_keys=True).encode(),
        # float32 halves the artifact; scores move by < 1e-6.
        "arrays.npz": npz_bytes({k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()}),
    }
    if card is not None:
        files["README.md"] = card.encode()
    if training_texts is not None:
        from ..corpus.dedup import text_fingerprints

        # stored, not deflated: hashes do not compress, and stored bytes do not depend on zlib
        files[TRAINING_TEXTS] = npz_bytes({"fingerprints": np.unique(text_fingerprints(training_texts))}, compressed=False)
    return write_bundle(path, files, name=name, version=version, task="article", training_data=training_data,
                        extra={"labels": ["reliable", "unreliable"]})


def npz_bytes(arrays: dict[str, np.ndarray], *, compressed: bool = True) -> bytes:
    """``arrays`` as .npz bytes (plain numeric arrays only: loadable without pickle).

    ``compressed=False`` stores the members as they are: a little larger on disk, but
    :func:`read_npz` then maps them without copying or inflating (what a loader on the cold path of
    every command wants: inflating 7 MB of float16 costs more than reading and hashing it).
    """
    buf = io.BytesIO()
    if compressed:
        np.savez_compressed(buf, **arrays)
        return buf.getvalue()
    import struct
    import zipfile

    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            name = f"{key}.npy"
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed: same arrays, same bytes
            info.compress_type = zipfile.ZIP_STORED
            # pad the local header (an extra field, as Android's zipalign does) so that the member,
            # and the array inside it (np.save pads its own header to 64 bytes), starts 64-byte
            # aligned: read in place, an unaligned array would be slow in every numpy operation
            data_start = buf.tell() + 30 + len(name.encode("utf-8")) + 4
            pad = -data_start % 64
            info.extra = struct.pack("<HH", _ALIGNMENT_EXTRA_ID, pad) + bytes(pad)
            zf.writestr(info, npy_bytes(value))
    return buf.getvalue()


#: zip extra-field id of alignment padding (the one Android's zipalign uses)
_ALIGNMENT_EXTRA_ID = 0xD935


def npy_bytes(array: np.ndarray) -> bytes:
    """``array`` as .npy bytes (a plain numeric array: readable without pickle by :func:`read_npy`)."""
    buf = io.BytesIO()
    np.save(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def read_npy(data: bytes | memoryview) -> np.ndarray:
    """The array held by .npy bytes, as a read-only view of ``data`` (no copy, never unpickles)."""
    from numpy.lib import format as npformat

    view = memoryview(data)
    head = io.BytesIO(view[: min(len(view), 1 << 16)])
    major, _minor = npformat.read_magic(head)
    if major == 1:
        shape, fortran, dtype = npformat.read_array_header_1_0(head)
    elif major in (2, 3):
        shape, fortran, dtype = npformat.read_array_header_2_0(head)
    else:
        raise ValueError(f"unsupported .npy version {major}")
    if dtype.hasobject:
        raise ValueError("object arrays are not allowed (they would need pickle)")
    count = int(np.prod(shape, dtype=np.int64))
    array = np.frombuffer(view, dtype=dtype, count=count, offset=head.tell())
    if not array.flags.aligned:  # e.g. a member of an npz written by np.savez: copy once, not slow forever
        array = array.copy()
        array.flags.writeable = False
    return array.reshape(shape, order="F" if fortran else "C")


def read_npz(data: bytes) -> dict[str, np.ndarray]:
    """The arrays of .npz bytes: stored members as read-only views of ``data``, deflated ones
    (older artifacts) inflated by ``np.load``; never unpickles.  The caller has checked ``data``
    (sha256 against the manifest), so the zip CRCs are not re-computed."""
    import struct
    import zipfile

    out: dict[str, np.ndarray] = {}
    view = memoryview(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
        if any(info.compress_type != zipfile.ZIP_STORED for info in infos):
            with np.load(io.BytesIO(data), allow_pickle=False) as npz:
                return {key: npz[key] for key in npz.files}
        for info in infos:
            start = info.header_offset
            if bytes(view[start : start + 4]) != b"PK\x03\x04":
                raise ValueError(f"bad zip member header for {info.filename}")
            name_len, extra_len = struct.unpack("<HH", view[start + 26 : start + 30])
            begin = start + 30 + name_len + extra_len
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            out[key] = read_npy(view[begin : begin + info.file_size])
    return out


def write_bundle(
    path: str | os.PathLike[str],
    files: dict[str, bytes],
    *,
    name: str,
    version: str,
    task: str,
    training_data: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write any bundled model (``files``: relative name -> bytes) with a hashed manifest.

    Every newscred artifact (content model, sentence splitter, check-worthiness model, claim
    embedder...) shares this manifest format, so one verifier refuses every tampered file.
    The directory is built next to its destination and moved into place at the end, so an
    interrupted save never leaves a half-written model where a good one was.  The destination
    must be missing, empty, or a bundle of the same ``task`` listing all its files
    (:func:`~newscred.model.outputs.check_bundle_output`); anything else raises
    :class:`~newscred.errors.OutputExistsError` before a byte is written.
    """
    from .outputs import check_bundle_output

    dest = check_bundle_output(path, task, what=f"{task} artifact", option="output path")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    # mkdtemp makes the folder private (0700); a model is read by other users (e.g. a service account)
    tmp.chmod(0o755)
    try:
        for rel, data in files.items():
            target = tmp / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        manifest = {
            "format_version": FORMAT_VERSION,
            "name": name,
            "version": version,
            "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "newscred_version": ">=0.1,<1.0",
            "python": platform.python_version(),
            "libraries": _library_versions(),
            "task": task,
            "training_data": training_data or [],
            **(extra or {}),
            "files": {rel: "sha256:" + sha256_bytes(data) for rel, data in sorted(files.items())},
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if dest.exists():
            # checked again: the first check may be minutes old (a training run) and this deletes
            check_bundle_output(dest, task, what=f"{task} artifact", option="output path")
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def read_manifest(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest of an artifact, without loading (or verifying) its weights."""
    root = Path(path)
    manifest_path = root / MANIFEST
    if not root.is_dir():
        raise ModelNotFoundError(
            f"Model '{path}' not found: no such directory. Use 'builtin:default' or the path of a directory written by 'newscred train'.",
            path=str(path),
        )
    if not manifest_path.is_file():
        raise CorruptArtifactError(f"'{root}' has no manifest.json, so it is not a newscred model artifact.", path=str(root))
    try:
        manifest = json.loads(manifest_path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptArtifactError(f"{manifest_path} is not valid JSON: {exc}", path=str(root)) from exc
    if not isinstance(manifest, dict):
        raise CorruptArtifactError(f"{manifest_path} is not a JSON object", path=str(root))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IncompatibleArtifactError(
            f"'{root}' has artifact format version {version!r}; this newscred reads version {FORMAT_VERSION}. "
            "Upgrade newscred or retrain the model with 'newscred train'.",
            path=str(root),
            found=version,
        )
    return manifest


def _listed_files(root: Path, required: tuple[str, ...], task: str | None) -> tuple[dict[str, Any], list[tuple[str, Path, str]]]:
    """The manifest and its ``(name, path, expected sha256)`` entries, after the checks that need no hashing."""
    manifest = read_manifest(root)
    if task is not None and manifest.get("task", "article") != task:
        raise IncompatibleArtifactError(
            f"'{root}' is an artifact for task {manifest.get('task', 'article')!r}; this loader needs task {task!r} "
            "(see 'newscred models list').", path=str(root),
            found=manifest.get("task"))
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise CorruptArtifactError(f"{root / MANIFEST} lists no files", path=str(root))
    for rel in required:
        if rel not in files:
            raise CorruptArtifactError(f"{root / MANIFEST} does not list required file {rel}", path=str(root))
    resolved_root = root.resolve()
    listed = []
    for rel, expected in files.items():
        target = (root / rel).resolve()
        if resolved_root not in target.parents:
            raise CorruptArtifactError(f"manifest entry {rel!r} points outside the artifact", path=str(root))
        if not target.is_file():
            raise CorruptArtifactError(f"{rel} is listed in the manifest but missing from {root}", path=str(root))
        listed.append((rel, target, expected))
    return manifest, listed


def _modified(root: Path, rel: str, manifest: dict[str, Any]) -> CorruptArtifactError:
    return CorruptArtifactError(
        f"{rel} in {root} has been modified: its sha256 does not match the manifest. "
        + ("Rebuild it with 'newscred claims index build'" if manifest.get("task") == "claim-index"
           else "Re-install newscred or retrain") + "; never edit an artifact by hand.",
        path=str(root),
        file=rel,
    )


def verify_artifact(path: str | os.PathLike[str], *, required: tuple[str, ...] = _REQUIRED,
                    task: str | None = None) -> dict[str, Any]:
    """Check every hash in the manifest; return the manifest or raise CorruptArtifactError.

    ``required`` lists files the artifact must have; ``task`` (when given) must equal the
    manifest's, so a sentence splitter is never loaded as a content model.
    """
    root = Path(path)
    manifest, listed = _listed_files(root, required, task)
    for rel, target, expected in listed:
        if "sha256:" + sha256_file(target) != expected:
            raise _modified(root, rel, manifest)
    return manifest


def read_verified_artifact(path: str | os.PathLike[str], *, required: tuple[str, ...] = _REQUIRED,
                           task: str | None = None) -> tuple[dict[str, Any], dict[str, bytes]]:
    """:func:`verify_artifact` that also returns every listed file's bytes: each file is read once,
    and the bytes a loader parses are exactly the bytes whose sha256 was checked."""
    root = Path(path)
    manifest, listed = _listed_files(root, required, task)
    contents: dict[str, bytes] = {}
    for rel, target, expected in listed:
        data = target.read_bytes()
        if "sha256:" + sha256_bytes(data) != expected:
            raise _modified(root, rel, manifest)
        contents[rel] = data
    return manifest, contents


def load_artifact(path: str | os.PathLike[str]) -> Artifact:
    """Verify and load an artifact directory."""
    root = Path(path)
    # each file read once: what is parsed is exactly what was hashed
    manifest, files = read_verified_artifact(root, task="article")
    try:
        config = json.loads(files["config.json"])
        vocabulary = json.loads(files["vocabulary.json"])
        lexicon = frozenset(json.loads(files["lexicon.json"]))
        metrics = json.loads(files["metrics.json"]) if "metrics.json" in files else {}
        model = ContentModel.from_state(config, read_npz(files["arrays.npz"]), vocabulary)
        seen = read_npz(files[TRAINING_TEXTS])["fingerprints"] if TRAINING_TEXTS in files else None
    except (KeyError, ValueError, TypeError) as exc:
        raise CorruptArtifactError(f"{root} could not be read: {exc}", path=str(root)) from exc
    if len(model.coef_) != model.n_terms + len(model.style_mean_):
        raise CorruptArtifactError(f"{root}: weights and vocabulary sizes disagree", path=str(root))
    digest = sha256_bytes((root / MANIFEST).read_bytes())
    return Artifact(root, manifest, model, lexicon, metrics, digest, seen)
