"""factory"""
