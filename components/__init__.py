"""Components of the Azure ML platform; `platform.Platform` wires them from typed settings."""
