"""Recurrent layers fused over the sequence (see below)."""
