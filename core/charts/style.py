"""The lessons' shared plotly style: font size for a classroom projector and one palette."""

FONT = 15
BLUE = "#1f77b4"
RED = "#d62728"
GREEN = "#2ca02c"
ORANGE = "#ff7f0e"
GREY = "#7f7f7f"
INK = [[0.0, "white"], [1.0, "black"]]  # 0 = paper, high = ink (like 002's cmap=binary)
SIGNED = "RdBu_r"  # negative blue, 0 white, positive red
