// Intentionally empty: the target only contributes link-time symbol versions (see hypot.c).
