"""Synthetic, deterministic demo data for Jinfeng District (all fabricated)."""
