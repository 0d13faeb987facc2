"""The counts of a batch run, and the line that reports them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["BatchSummary"]


@dataclass
class BatchSummary:
    """Counts of one batch run."""

    labelled: int = 0
    errors: int = 0
    skipped: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    ignored: Counter = field(default_factory=Counter)
    """Files inside input folders that are not articles, by suffix (not read)."""
    complete: bool = False
    """``--resume`` found the output complete: nothing was done."""
    update: bool = False
    """An ``--update`` run: the documents labelled are the new ones, those skipped were in the output."""

    @property
    def docs_per_second(self) -> float:
        """Documents processed (labelled + errors) per second of wall time."""
        done = self.labelled + self.errors
        return done / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        """The one-line report printed at the end of a run."""
        new, done = (" new", "already in the output") if self.update else ("", "already done")
        return (
            f"labelled {self.labelled}{new}, errors {self.errors}, skipped {self.skipped} ({done}), "
            f"duplicate ids {self.duplicates}; {self.docs_per_second:.1f} docs/s{self.ignored_note()}"
        )

    def ignored_note(self) -> str:
        """``"; not read: 3 files in folders that are not .txt/.html/.htm (.pdf 3)"``, or ``""``."""
        # A folder of PDFs must not look like a folder with nothing in it.
        if not self.ignored:
            return ""
        kinds = ", ".join(f"{suffix} {n}" for suffix, n in sorted(self.ignored.items()))
        count = sum(self.ignored.values())
        return f"; not read: {count} file{'s' if count > 1 else ''} in folders that are not .txt/.html/.htm ({kinds})"
