"""The five seed CNNs of the course documents (see models/zoo.py)."""
