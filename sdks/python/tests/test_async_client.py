"""The async client against the real server (run with asyncio.run; no plugin needed)."""

from __future__ import annotations

import asyncio
from typing import List

from tokenvault import AsyncTokenVault, StreamChunk, StreamDone, TokenVault, errors

from .conftest import Server


def test_the_async_client_walks_the_seed(server: Server, client: TokenVault) -> None:
    async def fresh_jwt() -> str:
        await asyncio.sleep(0)
        return server.admin_jwt

    async def walk() -> None:
        async with AsyncTokenVault(api_key=server.api_key, jwt=fresh_jwt, base_url=server.base_url) as c:
            made = await c.tokenize(items=[{"value": "async@example.com", "pii_type": "email"}], policy_id="pol_hipaa")
            item = made.results[0]
            assert item.token_id and item.token
            grant = await c.create_grant(token_ids=[item.token_id], purpose="customer_support")
            plain = await c.detokenize(tokens=[item.token], grant_jwt=grant.jwt)
            assert plain.results[0].value == "async@example.com"
            ids: List[str] = [e.token_id async for e in c.vault(page_size=2)]
            assert item.token_id in ids
            events = [e async for e in c.rehydrate_stream([f"Hi {item.token[:5]}", f"{item.token[5:]}!"], purpose="customer_support")]
            text = "".join(e.text for e in events if isinstance(e, StreamChunk))
            assert text == "Hi async@example.com!" and isinstance(events[-1], StreamDone)
            found = await c.pii.tokenize("mail sara@acme.com", "support-intake")
            assert found.output_text == "mail [EMAIL_1]"
            no_jwt = AsyncTokenVault(api_key="k", base_url=server.base_url)
            try:
                await no_jwt.usage()
            except errors.MissingCredentialError:
                pass
            else:
                raise AssertionError("a call without its credential must raise")
            await no_jwt.aclose()

    asyncio.run(walk())
