"""Train a fare model on the transformed trips; keep the held-out trips and the MLflow model.

python train.py --training_data <folder> --test_data <output folder> --model_output <output folder>
"""

from __future__ import annotations

import argparse
from pathlib import Path

import mlflow
import mlflow.sklearn
import pandas as pd
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import train_test_split

FEATURES = ["trip_distance", "passenger_count", "pickup_hour", "pickup_weekday"]
TARGET = "fare_amount"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--training_data", type=Path, required=True)
    parser.add_argument("--test_data", type=Path, required=True)
    parser.add_argument("--model_output", type=Path, required=True)
    args = parser.parse_args()

    trips = pd.concat([pd.read_csv(path) for path in sorted(args.training_data.glob("*.csv"))], ignore_index=True)
    train, test = train_test_split(trips, test_size=0.2, random_state=42)
    model = LinearRegression().fit(train[FEATURES], train[TARGET])

    predicted = model.predict(test[FEATURES])
    mlflow.log_metric("r2", r2_score(test[TARGET], predicted))
    mlflow.log_metric("mae", mean_absolute_error(test[TARGET], predicted))

    args.test_data.mkdir(parents=True, exist_ok=True)
    test.to_csv(args.test_data / "test.csv", index=False)
    # an MLflow model: registered as type mlflow_model, it deploys to online endpoints
    mlflow.sklearn.save_model(model, str(args.model_output), input_example=test[FEATURES].head(2))


if __name__ == "__main__":
    main()
