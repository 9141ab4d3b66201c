"""Container insights for the inference cluster, authenticated with Entra ID.

With `useAADAuth` the monitoring add-on sends nothing until a data collection rule for the
cluster exists and is associated with it (the stack's Log Analytics may refuse workspace keys).
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import monitor

from components.core.component import PlatformComponent

STREAM = "Microsoft-ContainerInsights-Group-Default"
DESTINATION = "ciworkspace"


def container_insights(
    owner: PlatformComponent, *, cluster_id: pulumi.Input[str], cluster_name: str, logs_id: pulumi.Input[str]
) -> monitor.DataCollectionRuleAssociation:
    rule = monitor.DataCollectionRule(
        owner.child_name("insights-dcr"),
        # the name the portal and `az aks enable-addons` give it
        data_collection_rule_name=f"MSCI-{owner.ctx.location}-{cluster_name}"[:64],
        kind="Linux",
        data_sources=monitor.DataCollectionRuleDataSourcesArgs(
            extensions=[
                monitor.ExtensionDataSourceArgs(
                    name="ContainerInsightsExtension",
                    extension_name="ContainerInsights",
                    streams=[STREAM],
                    extension_settings={
                        "dataCollectionSettings": {
                            "interval": "1m",
                            "namespaceFilteringMode": "Off",
                            "enableContainerLogV2": True,
                        }
                    },
                )
            ]
        ),
        destinations=monitor.DataCollectionRuleDestinationsArgs(
            log_analytics=[monitor.LogAnalyticsDestinationArgs(name=DESTINATION, workspace_resource_id=logs_id)]
        ),
        data_flows=[monitor.DataFlowArgs(streams=[STREAM], destinations=[DESTINATION])],
        **owner.common,
        opts=owner.child_opts(),
    )
    return monitor.DataCollectionRuleAssociation(
        owner.child_name("insights-dcra"),
        association_name="ContainerInsightsExtension",
        resource_uri=cluster_id,
        data_collection_rule_id=rule.id,
        description="Container insights of the inference cluster (managed by the ml-platform stack)",
        opts=owner.child_opts(),
    )
