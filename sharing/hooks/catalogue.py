"""Registry contributions of 开放共享 (catalogue)."""
