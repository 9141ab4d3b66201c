"""Load the stack's settings, build the platform of its kind, export what an engineer needs."""

import pulumi

from components.settings import SharedStackSettings, load_settings

settings = load_settings()
if isinstance(settings, SharedStackSettings):
    # imported here: an environment stack never loads the registry's modules, nor a shared stack the workspace's
    from components.registry.environments import published_environments
    from components.shared_platform import SharedPlatform

    environments = published_environments(pulumi.get_stack()) if settings.ml_registry.publish_environments else []
    platform = SharedPlatform(settings, environments=environments)
else:
    from components.platform import Platform

    platform = Platform(settings)
for key, value in platform.outputs.items():
    pulumi.export(key, value)
