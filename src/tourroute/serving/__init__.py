"""Running the service for real traffic: worker processes, request ids and JSON logs,
body limits, rate limits and Prometheus metrics. Nothing here knows about tourism."""
