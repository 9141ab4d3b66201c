"""Refresh prices.json from the Azure Retail Prices API: `python -m tools.plan.cost.refresh` (online).

Microsoft (learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices): the API
is unauthenticated, `GET https://prices.azure.com/api/retail/prices?$filter=...` returns `Items`
(retailPrice, unitOfMeasure, meterName, productName, effectiveStartDate...) 100 at a time with a
`NextPageLink`, prices are USD retail, and filter values are case-sensitive from API version
2023-01-01-preview. Each row's `query` is its `$filter`; `pick.exclude` drops items whose meter or
product names one of its words (Windows, Spot and Low Priority meters share a VM size's filter).
A row whose query finds no single price is reported and left as it was: exit 1, nothing guessed.
The plan never runs this (no network there); the tests only read the table it writes.
"""

from __future__ import annotations

import datetime
import json
import sys
import urllib.parse
import urllib.request
from typing import Any

from .prices import TABLE

API = "https://prices.azure.com/api/retail/prices"
API_VERSION = "2023-01-01-preview"


def url(query: str) -> str:
    return f"{API}?{urllib.parse.urlencode({'api-version': API_VERSION, '$filter': query})}"


def fetch(query: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    next_page: str | None = url(query)
    while next_page:
        with urllib.request.urlopen(next_page, timeout=60) as response:
            page = json.load(response)
        items += page.get("Items", [])
        next_page = page.get("NextPageLink")
    return items


def choose(row: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one pay-as-you-go item a row means, or None when the query does not pin one down."""
    excluded = row.get("pick", {}).get("exclude", [])
    kept = [
        item
        for item in items
        if item.get("type", "Consumption") == "Consumption"
        and float(item.get("tierMinimumUnits", 0)) == 0
        and not any(word in f"{item.get('meterName', '')} {item.get('productName', '')}" for word in excluded)
    ]
    return kept[0] if len({item["retailPrice"] for item in kept}) == 1 else None


def refreshed(document: dict[str, Any], today: str) -> tuple[dict[str, Any], list[str]]:
    rows, problems = [], []
    for row in document["rows"]:
        if not row["query"]:  # a meter that does not exist (the Free AKS tier): nothing to fetch
            rows.append(row)
            continue
        item = choose(row, fetch(row["query"]))
        if item is None:
            problems.append(f"{row['id']}: the query does not find one pay-as-you-go price; row left as it was")
            rows.append(row)
            continue
        kept = {key: value for key, value in row.items() if key != "checked"}  # the offline check is superseded
        rows.append(
            {
                **kept,
                "usd": item["retailPrice"],
                "meter": item.get("meterName"),
                "meterId": item.get("meterId"),
                "effective": item.get("effectiveStartDate"),
                "verified": True,
                "source": f"Azure Retail Prices API, {today}: {item.get('meterName')} ({item.get('productName')})",
            }
        )
    return {**document, "date": today, "rows": rows}, problems


def main() -> int:
    document = json.loads(TABLE.read_text(encoding="utf-8"))
    new, problems = refreshed(document, datetime.date.today().isoformat())
    TABLE.write_text(json.dumps(new, indent=2) + "\n", encoding="utf-8")
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
