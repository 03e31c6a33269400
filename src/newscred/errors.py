"""The one exception tree of newscred.

Every error carries a stable ``code`` used by the CLI, batch error rows and (later) the REST API::

    * NewscredError                         newscred
      x ConfigError(ValueError)             config
        + OutputError                       output          (an output path that cannot be written safely)
          - OutputExistsError               output.exists   (it holds something else: never replaced)
      x InputError(ValueError)              input
        + EmptyInputError                   input.empty
        + BinaryInputError                  input.binary
        + EncodingError                     input.encoding
        + InputTypeError(TypeError)         input.type
        + InputTooLargeError                input.too_large
        + UnsupportedFormatError            input.format
        + MalformedRowError                 input.malformed_row
        + MissingColumnError                input.missing_column
      x DataError(ValueError)               data
        + UnknownLabelError                 data.unknown_label
        + DatasetNotFoundError              data.not_found
        + IndexNotFoundError                index.not_found
      x ModelError                          model
        + ModelNotFoundError(KeyError)      model.not_found
        + ArtifactError                     artifact
          - IncompatibleArtifactError       artifact.incompatible
            . IndexVersionError             index.incompatible   (a republication or claim index)
          - CorruptArtifactError            artifact.corrupt
            . CorruptIndexError             index.corrupt
      x AnalysisCancelledError              analysis.cancelled (its CancelToken was cancelled, or its deadline passed)
      x MissingExtraError(ImportError)      dependency.missing

Subclasses also inherit from the matching builtin so that ``except ValueError`` keeps working.
"""

from __future__ import annotations

from typing import Any


class NewscredError(Exception):
    """Base class of every error newscred raises on purpose."""

    code = "newscred"

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def to_dict(self) -> dict[str, Any]:
        """The error as the JSON object used in batch rows and API bodies."""
        return {"code": self.code, "message": self.message}


class ConfigError(NewscredError, ValueError):
    code = "config"


class OutputError(ConfigError):
    """An output path that cannot be written, or would destroy something (the input, a folder of files)."""

    code = "output"


class OutputExistsError(OutputError):
    """The output path holds something that is not an artifact or index of the kind being
    written: newscred refuses to replace (and so delete) it."""

    code = "output.exists"


class InputError(NewscredError, ValueError):
    code = "input"


class EmptyInputError(InputError):
    code = "input.empty"


class BinaryInputError(InputError):
    code = "input.binary"


class EncodingError(InputError):
    code = "input.encoding"


class InputTypeError(InputError, TypeError):
    """Not text: ``None``, a number, a list ... where a str (or an article) was expected."""

    code = "input.type"


class InputTooLargeError(InputError):
    code = "input.too_large"


class UnsupportedFormatError(InputError):
    code = "input.format"


class MalformedRowError(InputError):
    code = "input.malformed_row"


class MissingColumnError(InputError):
    code = "input.missing_column"


class DataError(NewscredError, ValueError):
    code = "data"


class UnknownLabelError(DataError):
    code = "data.unknown_label"


class DatasetNotFoundError(DataError):
    code = "data.not_found"


class ModelError(NewscredError):
    code = "model"


class ModelNotFoundError(ModelError, KeyError):
    code = "model.not_found"

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return self.message


class ArtifactError(ModelError):
    code = "artifact"


class IncompatibleArtifactError(ArtifactError):
    code = "artifact.incompatible"


class CorruptArtifactError(ArtifactError):
    code = "artifact.corrupt"


class IndexVersionError(IncompatibleArtifactError):
    """A republication index or claim index written by an unknown (newer or older) format version:
    rebuild it with this newscred."""

    code = "index.incompatible"


class CorruptIndexError(CorruptArtifactError):
    """The file is not a newscred republication index, or it is damaged."""

    code = "index.corrupt"


class IndexNotFoundError(DataError):
    """No republication index at the given path."""

    code = "index.not_found"


class WorkerDiedError(NewscredError):
    """A scoring worker process ended abruptly (killed, or out of memory): the run stops instead
    of waiting forever for rows that worker held."""

    code = "batch.worker_died"


class AnalysisCancelledError(NewscredError):
    """An analysis stopped at a stage boundary because its :class:`~newscred.analyzer.CancelToken`
    was cancelled or its deadline passed (``analyze(..., cancel=token)``): there is no report.
    ``context["stage"]`` names the stage it did not start."""

    code = "analysis.cancelled"

    @classmethod
    def before(cls, stage: str) -> "AnalysisCancelledError":
        """The error for an analysis stopped before ``stage`` ("provenance", "claim matching", ...)."""
        return cls(f"The analysis was cancelled before {stage} (its cancel token was set, or its deadline passed); "
                   "there is no report.", stage=stage)


class MissingExtraError(NewscredError, ImportError):
    code = "dependency.missing"


def require(module: str, extra: str) -> Any:
    """Import an optional dependency or explain which extra installs it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise MissingExtraError(
            f"This feature needs the '{module}' package. Install it with: pip install 'newscred[{extra}]'"
        ) from exc
