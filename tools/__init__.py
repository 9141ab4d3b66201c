"""Developer tools: the offline plan, the settings reference, the benchmark."""
