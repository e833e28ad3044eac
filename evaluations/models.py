"""Filled by the 绩效考核 / 资金 stages; see docs/architecture.md."""
