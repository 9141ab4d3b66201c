"""CrossGuard policy pack of the Azure ML platform (see README.md).

The pack runs in two ways with the very same rule objects: under the Pulumi CLI
(`__main__.py` builds the PolicyPack) and offline (`tools/plan/policy.py`, `evaluate`).
"""
