"""Clean the raw taxi trips and derive the features the model trains on.

python transform.py --raw_data <folder of CSV files> --transformed_data <output folder>
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

FEATURES = ["trip_distance", "passenger_count", "pickup_hour", "pickup_weekday"]
TARGET = "fare_amount"


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    trips = raw.dropna(subset=["pickup_datetime", "trip_distance", "passenger_count", TARGET])
    # zero-distance trips, trips without passengers and refunds say nothing about fares
    trips = trips[(trips["trip_distance"] > 0) & (trips["passenger_count"] > 0) & (trips[TARGET] > 0)]
    pickup = pd.to_datetime(trips["pickup_datetime"])
    return trips.assign(pickup_hour=pickup.dt.hour, pickup_weekday=pickup.dt.weekday)[[*FEATURES, TARGET]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw_data", type=Path, required=True)
    parser.add_argument("--transformed_data", type=Path, required=True)
    args = parser.parse_args()

    raw = pd.concat([pd.read_csv(path) for path in sorted(args.raw_data.glob("*.csv"))], ignore_index=True)
    transformed = transform(raw)
    args.transformed_data.mkdir(parents=True, exist_ok=True)
    transformed.to_csv(args.transformed_data / "trips.csv", index=False)
    print(f"kept {len(transformed)} of {len(raw)} trips")


if __name__ == "__main__":
    main()
