"""The chat use cases, one service per seam: conversations, messages, read state, presence."""
