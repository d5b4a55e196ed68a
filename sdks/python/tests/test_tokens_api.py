"""The SDK against the real server: the seed 000 walkthrough with only the names changed,
credentials, error codes mapped to exceptions, pagination, and safe retries."""

from __future__ import annotations

from typing import Any, List

import httpx
import pytest

import tokenvault
from tokenvault import TokenVault, errors

from .conftest import HIPAA, Server

def test_the_seed_walkthrough_runs_with_the_names_changed(client: TokenVault, capsys: pytest.CaptureFixture[str]) -> None:
    # Seed 000, step 2, as written (with the SDK's name).
    result = client.tokenize(
        items=[
            {"value": "123-45-6789", "pii_type": "us_ssn"},
            {"value": "john@example.com", "pii_type": "email"},
            {"value": "(555) 123-4567", "pii_type": "phone"},
        ],
        policy_id="pol_hipaa",
    )
    for each in result.results:
        print(f"{each.status}: {each.token_id} → {each.token}")
    assert len(capsys.readouterr().out.splitlines()) == 3
    item = result.results[0]
    assert (item.status, result.success_count) == ("TOKENIZED", 2)
    assert item.token_id and item.token
    grant = client.create_grant(
        token_ids=[item.token_id], purpose="customer_support", reason="Case #12345 — identity verification"
    )
    assert grant.jwt == grant.grant_jwt and grant.expires_in_seconds > 0
    plain = client.detokenize(tokens=[item.token_id], grant_jwt=grant.jwt)
    assert plain.results[0].value == "123-45-6789"
    assert "123-45-6789" not in repr(plain.results[0])
    # A grant is single-use.
    with pytest.raises(errors.GrantNonceReusedError) as e:
        client.detokenize(tokens=[item.token], grant_jwt=grant.jwt)
    assert e.value.code == "GRANT_NONCE_REUSED" and e.value.status == 403
    assert not e.value.retryable and e.value.trace_id
    revoked = client.revoke(item.token_id, reason="GDPR Article 17 request")
    assert revoked.status == "revoked"
    assert client.health().status == "ok"
    assert client.usage().tokens_created >= 1


def test_dry_run_and_policy_crud(client: TokenVault) -> None:
    dry = client.tokenize(items=[{"value": "a@b.example", "pii_type": "email"}], policy_id="pol_hipaa", dry_run=True)
    assert dry.dry_run and dry.results[0].status == "TOKENIZED"
    made = client.create_policy({**HIPAA, "id": "pol_sdk", "name": "SDK"})
    assert made.id == "pol_sdk" and made.version == 1
    updated = client.update_policy("pol_sdk", {**HIPAA, "id": "pol_sdk", "name": "SDK 2"})
    assert updated.version == 2 and client.get_policy("pol_sdk").name == "SDK 2"
    client.delete_policy("pol_sdk")
    with pytest.raises(errors.TokenVaultError) as e:
        client.get_policy("pol_sdk")
    assert e.value.status == 404


def test_the_vault_iterates_over_cursor_pages(client: TokenVault) -> None:
    values = [f"user{i}@pages.example" for i in range(7)]
    made = client.tokenize(items=[{"value": v, "pii_type": "email"} for v in values], policy_id="pol_hipaa")
    ids = {r.token_id for r in made.results}
    seen = [e.token_id for e in client.vault(pii_type="email", page_size=3)]
    assert ids <= set(seen) and len(seen) == len(set(seen))


def test_credentials_are_checked_before_anything_is_sent(server: Server) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request may be sent")

    offline = httpx.Client(transport=httpx.MockTransport(refuse))
    no_key = TokenVault(jwt="x", base_url=server.base_url, http_client=offline)
    with pytest.raises(errors.MissingCredentialError, match="API key"):
        no_key.tokenize(items=[{"value": "x", "pii_type": "email"}], policy_id="pol_hipaa")
    no_jwt = TokenVault(api_key="k", base_url=server.base_url, http_client=offline)
    with pytest.raises(errors.MissingCredentialError, match="JWT"):
        no_jwt.create_grant(token_ids=["tok_x"], purpose="p")


def test_a_jwt_function_is_called_for_a_fresh_token(server: Server) -> None:
    calls: List[int] = []

    def fresh() -> str:
        calls.append(1)
        return server.admin_jwt

    c = TokenVault(jwt=fresh, base_url=server.base_url)
    c.usage()
    c.usage()
    assert len(calls) == 2


def test_error_codes_become_typed_exceptions(server: Server, client: TokenVault) -> None:
    bad_key = TokenVault(api_key="tvk_wrong", base_url=server.base_url)
    with pytest.raises(errors.UnauthorizedError):
        bad_key.tokenize(items=[{"value": "x", "pii_type": "email"}], policy_id="pol_hipaa")
    with pytest.raises(errors.EmptyValueError) as empty:
        client.tokenize(items=[{"value": "", "pii_type": "email"}], policy_id="pol_hipaa", batch_mode="ALL_OR_NOTHING")
    assert empty.value.code == "EMPTY_VALUE"
    with pytest.raises(errors.InvalidInputError) as bad:
        client.tokenize(items=[{"value": "secret-ssn-000", "pii_type": "us_ssn", "bogus": 1}], policy_id="pol_hipaa")
    assert "secret-ssn-000" not in str(bad.value)


def test_an_unsupported_major_version_is_a_clear_426(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokenvault._http, "__version__", "2.0.0")
    with pytest.raises(errors.SdkVersionUnsupportedError) as e:
        TokenVault(jwt=server.admin_jwt, base_url=server.base_url).usage()
    assert e.value.status == 426


def test_429_is_retried_after_retry_after(server: Server) -> None:
    answers = iter(
        [
            httpx.Response(
                429,
                headers={"Retry-After": "2"},
                json={"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Rate limit exceeded", "detail": "", "retryable": True, "retry_after_seconds": 2}},
            ),
            httpx.Response(200, json={"status": "ok", "version": "x", "store": "sqlite"}),
        ]
    )
    slept: List[float] = []
    c = TokenVault(base_url=server.base_url, http_client=httpx.Client(transport=httpx.MockTransport(lambda r: next(answers))))
    c._t._sleep = slept.append
    assert c.health().status == "ok"
    assert slept == [2.0]


def test_a_dropped_connection_retries_tokenize_without_duplicates(server: Server, client: TokenVault) -> None:
    """The first answer is lost after the server committed; the SDK's idempotency key makes the
    retry replay it instead of making the tokens twice."""
    real = httpx.HTTPTransport()
    dropped: List[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        response = real.handle_request(request)
        if not dropped and request.url.path.endswith("/tokenize"):
            dropped.append(1)
            response.read()
            raise httpx.ReadError("connection reset", request=request)
        return response

    before = client.usage().tokens_created
    c = TokenVault(api_key=server.api_key, base_url=server.base_url, http_client=httpx.Client(transport=httpx.MockTransport(flaky)))
    c._t._sleep = lambda s: None
    result = c.tokenize(items=[{"value": "idem@retry.example", "pii_type": "email"}, {"value": "234-56-7890", "pii_type": "us_ssn"}], policy_id="pol_hipaa")
    assert dropped and result.success_count == 2
    assert client.usage().tokens_created == before + 2


def test_results_are_typed_objects() -> None:
    r: Any = tokenvault.TokenizeItemResult.from_json({"status": "FAILED", "error": {"code": "EMPTY_VALUE", "message": "m"}})
    assert (r.status, r.error_code) == ("FAILED", "EMPTY_VALUE")


def test_masking_for_good(client: TokenVault) -> None:
    r = client.mask(items=[{"value": "123-45-6789", "pii_type": "us_ssn"}], strategy="partial")
    assert (r.results[0].status, r.results[0].masked, r.success_count) == ("MASKED", "***-**-6789", 1)


def test_management_calls(client: TokenVault, server: Server) -> None:
    assert "admin" in client.my_permissions().roles
    made = client.create_api_key("sdk-reporting")
    assert made.api_key.startswith("tvk_") and made.api_key not in repr(made)
    assert any(k.name == "sdk-reporting" for k in client.list_api_keys())
    client.revoke_api_key(made.id)
    assert client.key_versions().current_version >= 1
    client.set_role("auditor", ["audit:read"])
    assert "auditor" in str(client.list_roles())
    client.delete_role("auditor")
    assert client.tenant().tenant_id.startswith("ten_")


def test_a_real_rate_limit_is_retried_after_retry_after_and_succeeds(limited_server: Server) -> None:
    """Against the server's own limiter (one tokenize a minute): the second call gets a 429
    with Retry-After, the SDK waits that long and the retry succeeds."""
    import time

    c = TokenVault(api_key=limited_server.api_key, jwt=limited_server.admin_jwt, base_url=limited_server.base_url, deadline=90.0)
    c.create_policy(HIPAA)
    slept: List[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    c._t._sleep = sleep
    c.tokenize(items=[{"value": "a@limit.example", "pii_type": "email"}], policy_id="pol_hipaa")
    second = c.tokenize(items=[{"value": "b@limit.example", "pii_type": "email"}], policy_id="pol_hipaa")
    assert second.success_count == 1
    assert slept and all(0 < d <= 61 for d in slept), slept
    # With a deadline shorter than the advice, the typed error comes back at once instead.
    short = TokenVault(api_key=limited_server.api_key, base_url=limited_server.base_url, deadline=0.5)
    with pytest.raises(errors.RateLimitExceededError) as e:
        short.tokenize(items=[{"value": "c@limit.example", "pii_type": "email"}], policy_id="pol_hipaa")
    assert e.value.retryable and e.value.status == 429 and (e.value.retry_after_seconds or 0) > 0


@pytest.mark.parametrize(
    "code,status,cls",
    [
        ("INVALID_INPUT", 400, errors.InvalidInputError),
        ("EMPTY_VALUE", 400, errors.EmptyValueError),
        ("UNSUPPORTED_PII_TYPE", 400, errors.UnsupportedPiiTypeError),
        ("RATE_LIMIT_EXCEEDED", 429, errors.RateLimitExceededError),
        ("QUOTA_EXCEEDED", 429, errors.QuotaExceededError),
        ("UNAUTHORIZED", 401, errors.UnauthorizedError),
        ("GRANT_EXPIRED", 403, errors.GrantExpiredError),
        ("GRANT_NONCE_REUSED", 403, errors.GrantNonceReusedError),
        ("TOKEN_NOT_FOUND", 404, errors.TokenNotFoundError),
        ("TOKEN_REVOKED", 403, errors.TokenRevokedError),
        ("KILL_SWITCH_ACTIVE", 503, errors.KillSwitchActiveError),
        ("SERVICE_UNAVAILABLE", 503, errors.ServiceUnavailableError),
        ("SDK_VERSION_UNSUPPORTED", 426, errors.SdkVersionUnsupportedError),
        ("ACCESS_DENIED", 403, errors.ForbiddenError),
        ("POLICY_NOT_FOUND", 404, errors.NotFoundError),
        ("INTERNAL_ERROR", 500, errors.ServerError),
    ],
)
def test_every_error_code_of_seed_002_has_its_exception(code: str, status: int, cls: type) -> None:
    body = {"error": {"code": code, "message": "m", "detail": "d", "retryable": False, "trace_id": "tr_1"}}
    e = errors.from_response(status, body, None)
    assert type(e) is cls and (e.code, e.status, e.detail, e.trace_id) == (code, status, "d", "tr_1")
