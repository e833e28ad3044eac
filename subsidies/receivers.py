"""奖补 signal receivers: each only calls a service."""
