"""What only the notebooks use: the sliders (widgets), the exercise checks, the 2-D toy and notebook 06's failure kit.

The modules the course teaches with (models, losses, gan, tricks, training, runs, ...) sit one level up.
"""
