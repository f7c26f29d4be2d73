"""Bench-only reference: XGBoost (hist, 2 threads, 300 trees, depth 4, lr 0.05) on the same preprocessed features.

Reads <prefix>.x.f32 (row-major float32), <prefix>.y.u8 and <prefix>.test.u8 written by test/bench/scale.ts and
prints one JSON line: training seconds, scoring rows/s and test AUC. <prefix>.test.u8: 0 train, 1 test, 2 unused.
Run with OMP_WAIT_POLICY=PASSIVE (scale.ts does). Never a runtime dependency of followup. The public benchmarks and
bench:models use scripts/tree_reference.py instead (src/benchmarks/trees.ts).
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.metrics import roc_auc_score

prefix, width = sys.argv[1], int(sys.argv[2])
x = np.fromfile(prefix + ".x.f32", dtype=np.float32).reshape(-1, width)
y = np.fromfile(prefix + ".y.u8", dtype=np.uint8)
split = np.fromfile(prefix + ".test.u8", dtype=np.uint8)
test = split == 1
# 0 = train; 2 = validation rows the network early-stops on (left out here so both learn from the same rows).
train = split == 0
t0 = time.perf_counter()
model = xgb.XGBClassifier(
    tree_method="hist", n_jobs=2, n_estimators=300, max_depth=4, learning_rate=0.05, random_state=42
)
model.fit(x[train], y[train])
train_s = time.perf_counter() - t0
t0 = time.perf_counter()
p = model.predict_proba(x)[:, 1]
score_s = time.perf_counter() - t0
print(json.dumps({
    "xgboost": xgb.__version__,
    "trainSeconds": train_s,
    "scoreRowsPerSecond": len(x) / score_s,
    "testAuc": float(roc_auc_score(y[test], p[test])),
}))
