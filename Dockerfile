# One image, several roles: `liftrescue serve api|projections|relay|intake|dispatcher`.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY domain domain
COPY dispatch dispatch
COPY projections projections
COPY adapters adapters
RUN pip install --no-cache-dir . && useradd --system liftrescue
USER liftrescue
ENV LIFTRESCUE_HOST=0.0.0.0 LIFTRESCUE_ENVIRONMENT=production
EXPOSE 8000
ENTRYPOINT ["liftrescue"]
CMD ["serve", "api"]
