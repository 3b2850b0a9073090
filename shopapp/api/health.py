"""GET /api/v1/health: 200 when the database answers, and whether Redis does."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from shopapp.db import database_answers
from shopapp.redis_watch import redis_status

router = APIRouter(tags=["health"])


@router.get("/health")
def health():
    """`{"status": "ok", "redis": "ok" | "degraded" | "unused"}`. Redis "degraded" keeps the 200: the API and
    the jobs need only the database; pages cannot keep their state until Redis answers again."""
    if database_answers():
        return {"status": "ok", "redis": redis_status()}
    return JSONResponse({"status": "unavailable", "redis": redis_status()}, status_code=503)
