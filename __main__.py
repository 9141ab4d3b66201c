"""Load the stack's settings, build the platform, export what an engineer needs."""

import pulumi

from components.platform import Platform
from components.settings import load_settings

platform = Platform(load_settings())
for key, value in platform.outputs.items():
    pulumi.export(key, value)
