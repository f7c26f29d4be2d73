"""Benchmark-only reference: XGBoost on the rows and features followup's benchmark trained its models on.

Never a runtime dependency of followup: src/benchmarks/trees.ts runs this with python3 when xgboost is importable
(Debian: python3-xgboost) and says "not measured" otherwise.

  python3 tree_reference.py FRAME.csv PARAMS.json PRED.f64

FRAME.csv (written by DuckDB): columns y, split (0 train, 1 validation, 2 test), then the features; missing values
are `nan`. The trees fit on the training rows only (the rows the network fits its weights on); the validation rows
are not used, and the test figure is computed by followup from PRED.f64 on the test rows alone.
PARAMS.json: {"threads": 2, "n_estimators": 300, "max_depth": 4, "learning_rate": 0.05, "seed": 42}.
PRED.f64: the predicted probability of every frame row, float64, in frame order.
Prints one JSON line: library version, parameters, fit seconds and scoring rows per second.
"""
import json
import sys
import time

import numpy as np
import xgboost as xgb

frame_path, params_path, pred_path = sys.argv[1], sys.argv[2], sys.argv[3]
with open(params_path) as f:
    params = json.load(f)
frame = np.loadtxt(frame_path, delimiter=",", skiprows=1, dtype=np.float64, ndmin=2)
y, split, x = frame[:, 0], frame[:, 1], frame[:, 2:]
train = split == 0
model = xgb.XGBClassifier(
    tree_method="hist",
    n_jobs=params["threads"],
    n_estimators=params["n_estimators"],
    max_depth=params["max_depth"],
    learning_rate=params["learning_rate"],
    random_state=params["seed"],
)
t0 = time.perf_counter()
model.fit(x[train], y[train])
fit_s = time.perf_counter() - t0
t0 = time.perf_counter()
p = model.predict_proba(x)[:, 1]
score_s = time.perf_counter() - t0
p.astype(np.float64).tofile(pred_path)
print(
    json.dumps(
        {
            "library": "xgboost " + xgb.__version__,
            "params": params,
            "fitSeconds": fit_s,
            "scoreRowsPerSecond": len(x) / score_s if score_s > 0 else None,
            "trainRows": int(train.sum()),
        }
    )
)
