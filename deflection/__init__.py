"""Search index, HTTP service, event store and metrics of kb."""
