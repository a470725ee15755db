"""What the benches and the browser tests share: the dashboard launcher, headless Chromium, the CNN
lab driven by mouse strokes, synthetic drawings.

It lives under bench/ so that bench/ never imports tests/ (tests may import bench/; a benchmark
must not depend on test fixtures). No pytest here: a failure is a plain exception.
"""
