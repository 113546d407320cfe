"""tourroute: tourism route planner and tour catalogue for Thanh Hóa, Nghệ An and Hà Tĩnh."""

__version__ = "0.1.0"
