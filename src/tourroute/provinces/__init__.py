"""Provinces served: Thanh Hóa, Nghệ An and Hà Tĩnh."""
