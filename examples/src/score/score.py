"""Scoring script of the online deployments (managed for testing, Kubernetes for production).

Request:  {"data": [[trip_distance, passenger_count, pickup_hour, pickup_weekday], ...]}
Response: [predicted fare, ...]
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import mlflow.sklearn
import pandas as pd

FEATURES = ["trip_distance", "passenger_count", "pickup_hour", "pickup_weekday"]
model: Any = None


def init() -> None:
    global model  # noqa: PLW0603 (the scoring contract: init() loads once, run() reuses it)
    # AZUREML_MODEL_DIR holds the registered model; the MLflow model is the folder with MLmodel
    model_file = next(Path(os.environ["AZUREML_MODEL_DIR"]).rglob("MLmodel"))
    model = mlflow.sklearn.load_model(str(model_file.parent))


def run(raw_data: str) -> list[float]:
    rows = json.loads(raw_data)["data"]
    return model.predict(pd.DataFrame(rows, columns=FEATURES)).tolist()
