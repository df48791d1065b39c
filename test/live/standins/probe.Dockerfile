# mendhak/http-https-echo:37 (every platform's app image) -> the probe app, probe/probe.py
# (another engineer's): it exercises the connections the program wires into an app.
ARG BASE
FROM ${BASE}
COPY probe/ /probe/
ENTRYPOINT ["python3", "/probe/probe.py"]
