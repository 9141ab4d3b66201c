"""The dated price table (prices.json, beside this file) and its lookups.

One row per meter the plans use: a readable id (`vm/westeurope/Standard_D4ds_v5`), the region and
SKU, the unit (`1 Hour`, `1/Day`, `1 GB`, `1/Month`), the USD retail price, the Azure Retail
Prices API `$filter` that finds it (https://prices.azure.com/api/retail/prices; Microsoft:
learn.microsoft.com/rest/api/cost-management/retail-prices/azure-retail-prices) and whether the
price is confirmed (`verified`, with the `source` that confirms it: the API or a named public
figure; an unconfirmed row says in `checked` what was looked at). `refresh.py` regenerates the
prices from the API when online; nothing here touches the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLE = Path(__file__).with_name("prices.json")

# Azure's pricing calculator prices a month as 730 hours (8,760 hours a year / 12); a day-priced
# meter (the registries') runs 730 / 24 days in that month, and so does a daily log cap.
HOURS_PER_MONTH = 730
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
# How many of each unit one month holds.
PERIODS_PER_MONTH = {"1 Hour": HOURS_PER_MONTH, "1/Day": DAYS_PER_MONTH, "1/Month": 1}


@dataclass(frozen=True)
class Price:
    id: str
    region: str
    sku: str
    unit: str
    usd: float
    query: str
    verified: bool


@dataclass(frozen=True)
class PriceTable:
    date: str
    rows: dict[str, Price]

    def get(self, price_id: str) -> Price | None:
        return self.rows.get(price_id)


def parse(document: dict[str, Any]) -> PriceTable:
    rows = {
        row["id"]: Price(
            id=row["id"],
            region=row["region"],
            sku=row["sku"],
            unit=row["unit"],
            usd=float(row["usd"]),
            query=row["query"],
            verified=bool(row["verified"]),
        )
        for row in document["rows"]
    }
    return PriceTable(date=document["date"], rows=rows)


@cache
def default_table() -> PriceTable:
    """The committed table (read once per process)."""
    return parse(json.loads(TABLE.read_text(encoding="utf-8")))


# --- the ids: one function per kind of meter, so the ceiling and the tests name rows the same way


def vm(region: str, size: str) -> str:
    return f"vm/{region}/{size}"


def container_registry(region: str, sku: str) -> str:
    return f"acr/{region}/{sku}"


def aks_tier(region: str, tier: str) -> str:
    return f"aks-tier/{region}/{tier}"


def private_endpoint(region: str) -> str:
    return f"private-endpoint/{region}"


def firewall(region: str, sku: str) -> str:
    return f"firewall/{region}/{sku}"


def nat_gateway(region: str) -> str:
    return f"nat-gateway/{region}"


def public_ip(region: str, sku: str) -> str:
    return f"public-ip/{region}/{sku}"


def log_ingestion(region: str, sku: str) -> str:
    return f"log-analytics/{region}/{sku}"


def private_dns_zone() -> str:
    return "private-dns-zone/global"
