# Every image with no Debian equivalent -> generic/standin.py (another engineer's): it listens on
# the type's ports and answers health, so the platform's wiring around it can be exercised.
ARG BASE
FROM ${BASE}
COPY generic/ /standin/
ENTRYPOINT ["python3", "/standin/standin.py"]
