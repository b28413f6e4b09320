"""Signing in with a provider, in a real browser: the local stack plays Google, Facebook
and VK ID at /local-idp/{provider}/ (a consent form), and the client goes there and back
exactly as it would to the real providers."""

import re

from playwright.sync_api import expect

from test_journeys import PASSWORD, register_by_api


def consent(page, provider, email, name):
    """The local stand-in's authorize page: say who signs in, verified, and continue."""
    expect(page).to_have_url(re.compile(f"/local-idp/{provider}/authorize"))
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Continue").click()


def forgive(pages, status):
    """The one refusal a step provokes on purpose: Chromium logs every 4xx answer as a
    console error, so exactly one such line (no more) is taken off the list."""
    found = [e for e in pages.errors if f"status of {status} " in e]
    assert len(found) == 1, found
    pages.errors.remove(found[0])


def test_a_visitor_registers_with_google_and_cannot_unlink_the_only_sign_in(pages):
    page = pages.new()
    page.goto("/#/login")
    # The buttons are the API's list of providers.
    for name in ("Google", "Facebook", "VK ID"):
        expect(page.get_by_role("button", name=f"Continue with {name}")).to_be_visible()
    pages.check(page, "login-providers")
    page.get_by_role("button", name="Continue with Google").click()
    consent(page, "google", "grace@example.com", "Grace Hopper")

    # Back at the client: unknown, so the registration form, prefilled, with no password.
    expect(page.get_by_role("heading", name="Register", level=1)).to_be_visible()
    assert "code=" not in page.url, "the code must leave the address bar"
    expect(page.get_by_label("E-mail address")).to_have_value("grace@example.com")
    expect(page.get_by_label("Display name")).to_have_value("Grace Hopper")
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    page.get_by_label("Date of birth").fill("1986-12-09")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Your native language").select_option("en")
    page.get_by_label(re.compile("^I accept the Terms of Use")).check()
    pages.check(page, "register-with-provider")
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_role("heading", name="Your account is ready", level=1)).to_be_visible()
    page.get_by_role("button", name="Continue with Google").click()
    consent(page, "google", "grace@example.com", "Grace Hopper")
    expect(page.get_by_text("Signed in as Grace Hopper")).to_be_visible()

    page.goto("/#/account")
    sign_ins = page.get_by_role("region", name="Sign-ins with other services")
    expect(sign_ins.get_by_text(re.compile(r"^Google \(grace@example\.com\), linked"))).to_be_visible()
    # Google is this account's only way to sign in: unlinking it is refused, clearly.
    sign_ins.get_by_role("button", name="Unlink Google").click()
    expect(sign_ins.get_by_role("alert")).to_contain_text("only way to sign in")
    forgive(pages, 409)
    expect(sign_ins.get_by_text(re.compile(r"^Google \(grace@example\.com\)"))).to_be_visible()
    expect(sign_ins.get_by_role("button", name="Link Google", exact=True)).to_have_count(0)
    pages.check(page, "account-identities")


def test_a_password_account_is_told_to_link_then_links_signs_in_and_unlinks(pages, stack):
    register_by_api(stack, "hedy@example.com", "Hedy")
    page = pages.new()
    page.goto("/#/login")
    page.get_by_role("button", name="Continue with Google").click()
    consent(page, "google", "hedy@example.com", "Hedy L.")

    # Google's verified address has an account: no session, no new account, but the way on.
    expect(page.get_by_role("heading", name="You already have an account", level=1)).to_be_visible()
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    forgive(pages, 409)
    pages.check(page, "link-required")
    page.get_by_role("link", name="Log in to link").click()
    page.get_by_label("E-mail address").fill("hedy@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    sign_ins = page.get_by_role("region", name="Sign-ins with other services")
    expect(sign_ins.get_by_text("No other service is linked", exact=False)).to_be_visible()
    # VK ID (whose address never counts as verified) is linked by proving the password;
    # its redirect names a device, which the client sends back and keeps out of the address.
    sign_ins.get_by_role("button", name="Link VK ID", exact=True).click()
    consent(page, "vk", "hedy@example.com", "Hedy L.")
    expect(page.get_by_role("heading", name="Link VK ID", level=1)).to_be_visible()
    assert "device_id=" not in page.url and "code=" not in page.url, page.url
    page.get_by_label("Password").fill(PASSWORD)
    pages.check(page, "link-confirm")
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.get_by_text("VK ID is linked")).to_be_visible()

    # VK ID now signs Hedy in, without the password.
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Log out").click()
    expect(menu.get_by_role("link", name="Log in")).to_be_visible()
    page.goto("/#/login?next=/account")
    page.get_by_role("button", name="Continue with VK ID").click()
    consent(page, "vk", "hedy@example.com", "Hedy L.")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(page.get_by_text("Signed in as Hedy")).to_be_visible()

    # The password remains a way in, so VK ID can be unlinked.
    sign_ins = page.get_by_role("region", name="Sign-ins with other services")
    expect(sign_ins.get_by_text(re.compile(r"^VK ID \(hedy@example\.com\), linked"))).to_be_visible()
    sign_ins.get_by_role("button", name="Unlink VK ID").click()
    expect(sign_ins.get_by_text("No other service is linked", exact=False)).to_be_visible()
    expect(sign_ins.get_by_role("button", name="Link VK ID", exact=True)).to_be_visible()
    status, identities = stack.api("POST", "/v1/sessions", {"email": "hedy@example.com", "password": PASSWORD})
    assert status == 200
    status, identities = stack.api("GET", "/v1/me/identities", token=identities["access_token"])
    assert status == 200 and identities["items"] == []
