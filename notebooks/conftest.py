"""nbval runs the notebooks in quick mode unless GAN_QUICK is already set (GAN_QUICK=0 for full mode)."""

import os

os.environ.setdefault("GAN_QUICK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
