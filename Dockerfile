# Production image for the api, worker and beat services of docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN uv sync --frozen --no-dev && mkdir -p var && useradd --system --home /app koppel \
    && chown -R koppel /app/var
USER koppel
ENV PATH="/app/.venv/bin:$PATH"
EXPOSE 8000
CMD ["koppel", "serve", "--host", "0.0.0.0"]
