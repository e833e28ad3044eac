"""Registry contributions of 奖补 (rewards)."""
