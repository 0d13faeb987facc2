"""Exceptions raised for problems a user can cause.

Every message names the file, line or model involved so that a user can fix
the input without reading a traceback.
"""

from __future__ import annotations


class ClassifyError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(ClassifyError, ValueError):
    """A document or input file cannot be read or is not usable text."""


class EmptyDocumentError(InputError):
    """A document has no article text (empty, whitespace or only portal clutter)."""


class CorpusError(ClassifyError, ValueError):
    """A labelled corpus is malformed (missing files, bad label lines, unknown labels)."""


class ModelError(ClassifyError):
    """A model file is missing, tampered with, or cannot be loaded."""


class ModelVersionError(ModelError):
    """A model was saved by library versions this installation cannot load safely."""


class OutputError(ClassifyError):
    """An output (batch output, model file, report folder) cannot be written, or would overwrite one."""
