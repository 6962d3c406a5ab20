"""Environments compatible with the eight stateful APIs of BFCL v3 multi-turn, built from their
public function docs, and `bfcl`, which hosts any subset of them in one session."""
