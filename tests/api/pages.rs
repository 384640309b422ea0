use crate::harness::{Backend, TestApp};
use crate::on_both_databases;

on_both_databases!(
    pages_render_whole_under_concurrent_requests,
    the_invite_form_states_the_configured_lifetime,
    pages_load_the_assets_cargo_leptos_builds,
    assets_have_hashed_names_and_go_out_compressed,
    every_control_is_named_first_by_what_it_shows,
    what_a_plain_post_says_is_announced,
    what_a_post_leaves_is_shown_where_it_belongs_and_once,
);

/// Many browsers on the Users page at once, each reusing its connection: every
/// answer is the whole page. (A page's reactive values once outlived their
/// request under this load and the connection was dropped.)
async fn pages_render_whole_under_concurrent_requests(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    ada.invite(&ws, "jon@example.com, kim@example.com").await.ok();

    let mut clients = Vec::new();
    for _ in 0..16 {
        let http = ada.http.clone();
        let url = format!("{}/w/{ws}/users", app.address);
        clients.push(tokio::spawn(async move {
            for _ in 0..15 {
                let res = http.get(&url).send().await.expect("the connection holds");
                assert_eq!(res.status(), 200);
                let body = res.text().await.expect("the whole body arrives");
                assert!(body.contains("kim@example.com") && body.contains("Active users") && body.contains("</html>"));
            }
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    app.stop().await;
}

async fn the_invite_form_states_the_configured_lifetime(backend: Backend) {
    let app = TestApp::spawn_with(backend, &[("INVITATION_TTL", "36h")]).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let page = ada.get(&format!("/w/{ws}/users")).await.text().await.unwrap();
    assert!(page.contains("Links expire after 36 hours."), "{page}");
    ada.invite(&ws, "jon@example.com").await.ok();
    let pending = ada.pending(&ws).await.ok();
    let lifetime = pending[0].expires_at.millis() - pending[0].sent_at.millis();
    assert_eq!(lifetime, 36 * 3_600_000);
    app.stop().await;
}

/// Without hashed names (`cargo leptos watch`, or a hash file left by an
/// earlier build) the pages ask for the plain names cargo-leptos writes to
/// target/site/pkg, and browsers check those files again before each use.
async fn pages_load_the_assets_cargo_leptos_builds(backend: Backend) {
    let mut site = Site::new(None);
    let stale = site.root.join("hash.txt");
    std::fs::write(&stale, "js: Old1\nwasm: Old2\ncss: Old3\n").unwrap();
    site.hash_file = Some(stale);
    let app = TestApp::spawn_with(backend, &site.vars()).await;
    let page = app.person().get("/signin").await.text().await.unwrap();
    for asset in ["/pkg/boardroom.js", "/pkg/boardroom.wasm", "/pkg/boardroom.css"] {
        assert!(page.contains(asset), "{asset} missing from {page}");
    }
    assert!(!page.contains("boardroom_bg.wasm"));
    let css = app.person().get("/pkg/boardroom.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(header(&css, "cache-control"), "no-cache");
    app.stop().await;
}

/// With hashed names (cargo-leptos `hash-files`), the files are kept for a
/// year, and the compressed copies the release build writes are sent to
/// browsers that accept them; pages and API answers are compressed as they go
/// and never kept by shared caches.
async fn assets_have_hashed_names_and_go_out_compressed(backend: Backend) {
    let site = Site::new(Some(("Js1", "Wasm2", "Css3")));
    let app = TestApp::spawn_with(backend, &site.vars()).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;

    let page = ada.get("/signin").await.text().await.unwrap();
    for asset in [
        "/pkg/boardroom.Js1.js",
        "/pkg/boardroom.Wasm2.wasm",
        "/pkg/boardroom.Css3.css",
    ] {
        assert!(page.contains(asset), "{asset} missing from {page}");
    }
    assert!(!page.contains("/pkg/boardroom.css") && !page.contains("/pkg/boardroom.wasm"));

    let wasm = "/pkg/boardroom.Wasm2.wasm";
    let raw = site.read(wasm);
    for (encoding, copy) in [("br", ".br"), ("gzip", ".gz")] {
        let res = ada.get_with(wasm, &[("accept-encoding", encoding)]).await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "content-encoding"), encoding);
        assert_eq!(header(&res, "content-type"), "application/wasm");
        assert_eq!(header(&res, "cache-control"), "public, max-age=31536000, immutable");
        let body = res.bytes().await.unwrap();
        assert_eq!(
            body.as_ref(),
            site.read(&format!("{wasm}{copy}")),
            "the precompressed copy, as it is"
        );
        assert_eq!(decode(encoding, &body), raw);
    }
    let plain = ada.get(wasm).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.bytes().await.unwrap().as_ref(), raw);
    assert_eq!(ada.get("/pkg/boardroom.Nope.wasm").await.status(), 404);

    let users = format!("/w/{ws}/users");
    let html = ada.get_with(&users, &[("accept-encoding", "br")]).await;
    assert_eq!(header(&html, "content-encoding"), "br");
    assert_eq!(header(&html, "cache-control"), "private, no-cache");
    let text = String::from_utf8(decode("br", &html.bytes().await.unwrap())).unwrap();
    assert!(text.contains("Active users") && text.contains("</html>"));

    let api = ada
        .get_with("/api/v1/openapi.json", &[("accept-encoding", "gzip")])
        .await;
    assert_eq!(api.status(), 200);
    assert_eq!(header(&api, "content-encoding"), "gzip");
    assert_eq!(header(&api, "cache-control"), "private, no-store");
    let json: serde_json::Value = serde_json::from_slice(&decode("gzip", &api.bytes().await.unwrap())).unwrap();
    assert!(json["openapi"].is_string(), "{json}");
    app.stop().await;
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

fn decode(encoding: &str, body: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    match encoding {
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut out).unwrap(),
        _ => flate2::read::GzDecoder::new(body).read_to_end(&mut out).unwrap(),
    };
    out
}

/// A built site of our own: the three assets, under hashed names with
/// compressed copies and a hash file when `hashes` is given.
struct Site {
    root: std::path::PathBuf,
    hash_file: Option<std::path::PathBuf>,
}

impl Site {
    fn new(hashes: Option<(&str, &str, &str)>) -> Site {
        use std::io::Write;
        let root = std::env::temp_dir().join(format!("boardroom-site-{}", uuid::Uuid::new_v4()));
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        let wasm: Vec<u8> = b"\0asm\x01\0\0\0".iter().copied().cycle().take(20_000).collect();
        let files: [(&str, Vec<u8>); 3] = [
            ("js", b"export default function init() {}".repeat(50)),
            ("wasm", wasm),
            ("css", b"body { color: black; }".repeat(50)),
        ];
        let mut hash_file = None;
        for (ext, bytes) in files {
            let name = match hashes {
                Some((js, wasm, css)) => {
                    let hash = match ext {
                        "js" => js,
                        "wasm" => wasm,
                        _ => css,
                    };
                    format!("boardroom.{hash}.{ext}")
                }
                None => format!("boardroom.{ext}"),
            };
            std::fs::write(pkg.join(&name), &bytes).unwrap();
            if hashes.is_some() {
                let mut br = Vec::new();
                brotli::CompressorWriter::new(&mut br, 4096, 9, 22)
                    .write_all(&bytes)
                    .unwrap();
                std::fs::write(pkg.join(format!("{name}.br")), br).unwrap();
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                gz.write_all(&bytes).unwrap();
                std::fs::write(pkg.join(format!("{name}.gz")), gz.finish().unwrap()).unwrap();
            }
        }
        if let Some((js, wasm, css)) = hashes {
            let path = root.join("hash.txt");
            std::fs::write(&path, format!("js: {js}\nwasm: {wasm}\ncss: {css}\n")).unwrap();
            hash_file = Some(path);
        }
        Site { root, hash_file }
    }

    fn vars(&self) -> Vec<(&str, &str)> {
        let mut vars = vec![("LEPTOS_SITE_ROOT", self.root.to_str().unwrap())];
        // Without a hash file of its own the app must not find the build's.
        vars.push((
            "LEPTOS_HASH_FILE_NAME",
            self.hash_file
                .as_deref()
                .map_or("/nonexistent/hash.txt", |p| p.to_str().unwrap()),
        ));
        vars
    }

    fn read(&self, path: &str) -> Vec<u8> {
        std::fs::read(self.root.join(path.trim_start_matches('/'))).unwrap()
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// People using voice control say what they see: a control's accessible name
/// starts with its visible text ("Make owner: Bo", not "Make Bo an owner").
async fn every_control_is_named_first_by_what_it_shows(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (ada, _jon, ws) = app.workspace_with_member().await;
    let bo = app.new_user("Bo", "bo@example.com").await;
    app.add_membership(&ws, &bo, true).await;
    ada.invite(&ws, "kim@example.com").await.ok();
    ada.call::<boardroom::roles::RoleRow>(
        "create_role",
        &[
            ("workspace_id", ws.as_str()),
            ("role_name", "viewer"),
            ("permission", "READ"),
            ("resource", "DATA"),
            ("target", "GROUP"),
        ],
    )
    .await
    .ok();
    let group = ada
        .call::<boardroom::groups::Group>("create_group", &[("workspace_id", &ws), ("name", "Finance")])
        .await
        .ok();
    ada.call::<String>(
        "grant_group_role",
        &[("workspace_id", &ws), ("group_id", &group.id), ("role_name", "viewer")],
    )
    .await
    .ok();
    ada.call::<String>(
        "add_group_member",
        &[("workspace_id", &ws), ("group_id", &group.id), ("user_id", &bo)],
    )
    .await
    .ok();
    ada.call::<boardroom::tokens::NewToken>("create_api_token", &[("name", "script")])
        .await
        .ok();

    let control = regex::Regex::new(r#"(?s)<(button|summary|a)\b([^>]*)>(.*?)</(?:button|summary|a)>"#).unwrap();
    let label = regex::Regex::new(r#"aria-label="([^"]*)""#).unwrap();
    let tag = regex::Regex::new(r"(?s)<[^>]*>").unwrap();
    let mut checked = 0;
    for path in ["users", "groups", "roles", "settings", "boards", "activity"]
        .map(|p| format!("/w/{ws}/{p}"))
        .into_iter()
        .chain(["/account/tokens".to_string()])
    {
        let html = ada.get(&path).await.text().await.unwrap();
        for c in control.captures_iter(&html) {
            let Some(name) = label.captures(&c[2]).map(|l| l[1].replace("&amp;", "&")) else {
                continue;
            };
            let visible = tag
                .replace_all(&c[3], " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            if !visible.chars().any(char::is_alphanumeric) {
                continue; // an icon or a symbol: the name is all there is
            }
            assert!(
                name.to_lowercase().starts_with(&visible.to_lowercase()),
                "{path}: \"{name}\" does not start with what it shows, \"{visible}\""
            );
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} labelled controls were found");
    app.stop().await;
}

/// After a plain form post (no JavaScript) the page it returns to says what
/// happened in a live region: a `role="status"` notice when it worked, a
/// `role="alert"` summary when it did not, so screen readers announce either.
async fn what_a_plain_post_says_is_announced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let users = format!("{}/w/{ws}/users", app.address);

    let res = ada
        .post_plain_form(
            "invite_user",
            &users,
            &[("workspace_id", &ws), ("emails", "jon@example.com")],
        )
        .await;
    let back = res.headers()["location"].to_str().unwrap().replace(&app.address, "");
    let page = ada.get(&back).await.text().await.unwrap();
    // The text of each status region, up to its first closing tag.
    let regions: Vec<&str> = page
        .match_indices(r#"role="status""#)
        .map(|(at, _)| {
            let rest = &page[at..];
            &rest[..rest.find("</").unwrap_or(rest.len())]
        })
        .collect();
    assert!(
        regions.iter().any(|r| r.contains("Invitation sent to jon@example.com")),
        "{regions:?}"
    );

    let res = ada
        .post_plain_form(
            "invite_user",
            &users,
            &[("workspace_id", &ws), ("emails", "not an email")],
        )
        .await;
    let back = res.headers()["location"].to_str().unwrap().replace(&app.address, "");
    let page = ada.get(&back).await.text().await.unwrap();
    let alert = page.find(r#"role="alert""#).expect("an alert");
    assert!(page[alert..].contains("There is a problem"), "{page}");
    app.stop().await;
}

/// The page a post returns to (plain, or answered in place by the page's
/// script: the same request) shows what the post left where it belongs, and
/// only once: a row's answer in that row's panel, a failure of a row action
/// there too, the addresses that could not be invited back in the field, an
/// invitation link or a token's secret once.
async fn what_a_post_leaves_is_shown_where_it_belongs_and_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ada = app.person();
    let ws = ada.sign_up("Ada", "ada@example.com", "Acme").await;
    let users = format!("{}/w/{ws}/users", app.address);
    let (who, address) = (&ada, app.address.clone());
    let follow = move |res: reqwest::Response| {
        let back = res.headers()["location"].to_str().unwrap().replace(&address, "");
        async move { (back.clone(), who.get(&back).await.text().await.unwrap()) }
    };
    // The panel of row `id`: from its `<tr id="manage-…">` to the row's end.
    let panel = |page: &str, id: &str| -> String {
        let at = page
            .find(&format!(r#"id="manage-{id}""#))
            .expect("the row's panel is open");
        let rest = &page[at..];
        rest[..rest.find("</tr>").unwrap()].to_string()
    };

    // Some addresses invited, the others back in the field with the reasons.
    let res = ada
        .post_plain_form(
            "invite_user",
            &users,
            &[("workspace_id", &ws), ("emails", "jon@, kim@example.com, mia@")],
        )
        .await;
    let (back, page) = follow(res).await;
    assert!(page.contains("Invitation sent to kim@example.com"), "{page}");
    assert!(
        page.contains("2 people couldn&#x27;t be invited") || page.contains("2 people couldn't be invited"),
        "{page}"
    );
    assert!(page.contains(r#"value="jon@, mia@""#), "{page}");
    let again = ada.get(&back).await.text().await.unwrap();
    assert!(
        !again.contains("couldn") && !again.contains(r#"value="jon@, mia@""#),
        "shown once"
    );

    // Row actions answer in the row they were about, open in the address.
    let kim = ada.pending(&ws).await.ok()[0].id.clone();
    let managing = format!("{users}?manage={kim}");
    let form = [("workspace_id", ws.as_str()), ("invitation_id", kim.as_str())];
    // A failed row action answers there too (sent moments ago, so not again).
    let res = ada.post_plain_form("resend_invitation", &managing, &form).await;
    let (_, page) = follow(res).await;
    let row = panel(&page, &kim);
    assert!(row.contains(r#"role="alert""#) && row.contains("moments ago"), "{row}");

    let res = ada.post_plain_form("share_invitation_link", &managing, &form).await;
    let (back, page) = follow(res).await;
    let row = panel(&page, &kim);
    assert!(
        row.contains(r#"role="status""#)
            && row.contains("New link for kim@example.com below; the emailed link no longer works"),
        "{row}"
    );
    let url = regex::Regex::new(r#"value="(https?://[^"]+/invite/[A-Za-z0-9_-]{43})""#).unwrap();
    let link = url.captures(&row).expect("the link in the row")[1].to_string();
    let opened = app
        .person()
        .get(&link.replace(&app.address, ""))
        .await
        .text()
        .await
        .unwrap();
    assert!(opened.contains("Join Acme"), "the link handed over works");
    let again = ada.get(&back).await.text().await.unwrap();
    assert!(!again.contains(&link) && !again.contains("New link for"), "shown once");

    // A new token's secret, once.
    let tokens = format!("{}/account/tokens", app.address);
    let res = ada
        .post_plain_form("create_api_token", &tokens, &[("name", "CI")])
        .await;
    let (back, page) = follow(res).await;
    assert!(page.contains("Token \u{201c}CI\u{201d} created"), "{page}");
    let secret = regex::Regex::new(r#"id="new-token"[^>]*value="(brd_[A-Za-z0-9_-]{43})""#).unwrap();
    let token = secret.captures(&page).expect("the secret on the page")[1].to_string();
    let listed = reqwest::Client::new()
        .get(format!("{}/api/v1/workspaces", app.address))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 200, "the secret shown works");
    let again = ada.get(&back).await.text().await.unwrap();
    assert!(!again.contains(&token), "shown once");
    app.stop().await;
}
