"""Batch labelling: sources, output writers, parallel map, Dask and progress.

``classify.batch.label_files`` and ``classify.batch.iter_labels`` are the entry points.
"""

from classify.batch.labelling import DEFAULT_CHUNK_SIZE, BatchSummary, iter_labels, label_documents, label_files

__all__ = ["DEFAULT_CHUNK_SIZE", "BatchSummary", "iter_labels", "label_documents", "label_files"]
