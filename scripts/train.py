"""Rebuild models/ from seeds/ and print cross-validated metrics.

Usage: python scripts/train.py --force [--data seeds] [--out models/classify-default-v1.joblib] [--folds 5]
(the same options as `classify train`).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classify.cli import main  # noqa: E402

if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    sys.exit(main(["train", *sys.argv[1:]]))
