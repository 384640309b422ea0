//! The page shell and the routes.

use crate::pages::accept::AcceptInvitationPage;
use crate::pages::auth::{SignInPage, SignUpPage};
use crate::pages::boards::{BoardPage, BoardsPage};
use crate::pages::confirm::ConfirmPage;
use crate::pages::groups::GroupsPage;
use crate::pages::home::HomePage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::roles::RolesPage;
use crate::pages::settings::SettingsPage;
use crate::pages::tokens::TokensPage;
use crate::pages::users::UsersPage;
use crate::pages::workspace::{NewWorkspacePage, WorkspaceLayout};
use leptos::prelude::*;
use leptos_meta::provide_meta_context;
use leptos_router::SsrMode;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The HTML document around every page (rendered on the server only).
#[cfg(feature = "ssr")]
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = use_context::<crate::state::AppState>()
        .map(|state| state.assets.stylesheet())
        .unwrap_or_else(|| format!("/pkg/{}.css", options.output_name));
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="stylesheet" id="leptos" href=stylesheet/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <leptos_meta::MetaTags/>
                <script inner_html=UI_SCRIPT></script>
            </head>
            <body class="min-h-screen bg-zinc-50 text-zinc-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

/// Behaviour every page has from its first paint, without waiting for any
/// download, so it is part of the page itself:
/// - the skip link moves focus to the main region;
/// - menus (`<details data-menu>`): Escape closes the open one and puts focus
///   back on its button; a click or focus anywhere outside closes it;
/// - forms that destroy something carry `data-confirm` (the question, naming
///   what happens) and `data-confirm-button`: sending one first asks in a
///   modal `<dialog>` with focus on Cancel. Escape or Cancel changes nothing
///   and returns focus to the button; confirming sends the form as it was
///   (with `confirmed=yes`, so that the server does not ask again) and
///   moves focus to the page's main
///   region, away from the next row's destructive button;
/// - a `button[data-copy]` copies the value of the field it names;
/// - moments (`<time datetime>`, see `Moment`) read in the reader's time
///   zone, relative when within a week (only the text node changes, so the
///   markers an island's hydration looks for stay where they are);
/// - a form that posts is answered in place: the post goes by `fetch` (with
///   `Accept: text/html`, so the server answers it as it answers a plain
///   post: it does the work, leaves its notice and redirects back), and the
///   page the server answers with replaces this one's body, without a
///   reload. Focus goes back to the control that had it (by id or label), or
///   to the error summary when there is one, with what was typed put back;
///   otherwise to the form's first field or the main region. The submit
///   button is disabled (and reads its `data-busy` words) while the post is
///   under way. An answer that is another page gets its own history entry;
///   going back or forward to an address whose page is not the one shown
///   loads that page. Without the script the same post reloads the page,
///   with the same result. The islands in the new body (the invite form's
///   addresses field) are hydrated after the swap, with
///   `window.__hydrateIsland`.
#[cfg(feature = "ssr")]
const UI_SCRIPT: &str = r##"(function(){
function menus(){return document.querySelectorAll("details[data-menu][open]")}
function away(e){menus().forEach(function(d){if(!d.contains(e.target))d.open=false})}
document.addEventListener("click",away);
document.addEventListener("click",function(e){var a=e.target.closest&&e.target.closest('a[href="#main"]'),m=document.getElementById("main");if(a&&m){e.preventDefault();m.focus()}});
document.addEventListener("focusin",away);
document.addEventListener("keydown",function(e){if(e.key!=="Escape")return;menus().forEach(function(d){d.open=false;d.querySelector("summary").focus()})});
var dialog;
function ask(form,submitter){
if(!dialog){dialog=document.createElement("dialog");dialog.setAttribute("aria-labelledby","confirm-question");dialog.className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-6 text-zinc-900 shadow-xl backdrop:bg-zinc-950/60";
dialog.innerHTML='<form method="dialog"><p id="confirm-question" class="text-base font-medium"></p><div class="mt-6 flex flex-wrap justify-end gap-3"><button value="cancel" class="btn-secondary">Cancel</button><button value="ok" class="btn-danger"></button></div></form>';
document.body.appendChild(dialog)}
dialog.querySelector("p").textContent=form.dataset.confirm;
dialog.querySelector("button[value=ok]").textContent=form.dataset.confirmButton||"Confirm";
dialog.returnValue="";
dialog.onclose=function(){
if(dialog.returnValue!=="ok"){if(submitter)submitter.focus();return}
form.dataset.confirmed="1";
var c=form.querySelector("input[name=confirmed]");if(!c){c=document.createElement("input");c.type="hidden";c.name="confirmed";form.appendChild(c)}c.value="yes";
var main=document.getElementById("main");if(main)main.focus();
form.requestSubmit(submitter&&submitter.form===form?submitter:undefined)};
dialog.showModal();dialog.querySelector("button[value=cancel]").focus()}
document.addEventListener("submit",function(e){var f=e.target;if(!f.dataset||!f.dataset.confirm)return;
if(f.dataset.confirmed){delete f.dataset.confirmed;return}
e.preventDefault();e.stopImmediatePropagation();ask(f,e.submitter)},true);
document.addEventListener("click",function(e){var b=e.target.closest&&e.target.closest("button[data-copy]"),i=b&&document.getElementById(b.dataset.copy);if(!i)return;
i.select();function done(){b.textContent="Copied"}
if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(i.value).then(done,function(){document.execCommand("copy");done()});else{document.execCommand("copy");done()}});
var rel=window.Intl&&Intl.RelativeTimeFormat?new Intl.RelativeTimeFormat(undefined,{numeric:"auto"}):null;
var steps=[[60,1,"second"],[3600,60,"minute"],[86400,3600,"hour"],[604800,86400,"day"]];
function moment(t){var at=new Date(t.getAttribute("datetime"));if(isNaN(at))return;
var s=(at-Date.now())/1000,a=Math.abs(s),words=null;
if(rel){for(var i=0;i<steps.length;i++){if(a<steps[i][0]){words=a<45?(s<0?rel.format(0,"second"):rel.format(1,"minute")):rel.format(Math.round(s/steps[i][1]),steps[i][2]);break}}}
var full=at.toLocaleString(undefined,{year:"numeric",month:"short",day:"numeric",hour:"2-digit",minute:"2-digit",timeZoneName:"short"});
var text=words||at.toLocaleDateString(undefined,{day:"numeric",month:"short",year:"numeric"});
var n=t.firstChild;while(n&&n.nodeType!==3)n=n.nextSibling;
if(n&&n.data!==text)n.data=text;if(t.title!==full)t.title=full}
function moments(){document.querySelectorAll("time[datetime]").forEach(moment)}
function watch(){moments();new MutationObserver(function(){moments()}).observe(document.body,{childList:true,characterData:true,subtree:true});setInterval(moments,60000)}
if(document.readyState==="loading")document.addEventListener("DOMContentLoaded",watch);else watch();
var shown=location.pathname+location.search;
window.addEventListener("popstate",function(){if(location.pathname+location.search!==shown)location.reload()});
function swap(url,html,form,had){
var doc=new DOMParser().parseFromString(html,"text/html"),hadId=had&&had!==document.body&&had.id,hadLabel=had&&had.getAttribute&&had.getAttribute("aria-label"),kept=[],formId=form.id;
for(var i=0;i<form.elements.length;i++){var el=form.elements[i];if(el.id&&!/^(hidden|password|submit|button)$/.test(el.type))kept.push([el.id,el.value,el.checked])}
var u=new URL(url,location.href),same=u.pathname===location.pathname,y=window.scrollY;
u.searchParams.delete("__path");u.searchParams.delete("__err");
document.title=doc.title;
document.body.replaceChildren.apply(document.body,Array.prototype.slice.call(doc.body.childNodes));
if(window.__hydrateIsland)document.querySelectorAll("leptos-island").forEach(function(el){window.__hydrateIsland(el,el.dataset.component)});
var to=u.pathname+u.search;if(to!==location.pathname+location.search)history.pushState(null,"",to+(same?location.hash:""));shown=to;
window.scrollTo(0,same?y:0);
var summary=document.querySelector('[role=alert][tabindex="-1"]');
if(summary){kept.forEach(function(k){var el=document.getElementById(k[0]);if(!el)return;if(el.type==="checkbox"||el.type==="radio")el.checked=k[2];else if(!el.value)el.value=k[1]});summary.focus();return}
var again=(hadId&&document.getElementById(hadId))||(hadLabel&&document.querySelector('[aria-label="'+CSS.escape(hadLabel)+'"]')),f=formId&&document.getElementById(formId);
if(!again&&f)again=f.querySelector("input:not([type=hidden]),textarea,select");
if(!again)again=document.getElementById("main");
if(again)again.focus({preventScroll:true})}
document.addEventListener("submit",function(e){var f=e.target,s=e.submitter;
if(e.defaultPrevented||!f.method||f.method.toLowerCase()!=="post"||f.target||!window.fetch)return;
var u=new URL(f.action,location.href);if(u.origin!==location.origin)return;
e.preventDefault();if(f.dataset.sending)return;f.dataset.sending="1";
var body=new URLSearchParams();new FormData(f,s&&s.name?s:undefined).forEach(function(v,k){body.append(k,v)});
var b=s||f.querySelector("[type=submit]"),words=b&&b.textContent,had=document.activeElement;
if(b){b.disabled=true;if(b.dataset.busy)b.textContent=b.dataset.busy}
function done(){delete f.dataset.sending;if(b){b.disabled=false;if(b.dataset.busy)b.textContent=words}}
fetch(u,{method:"POST",body:body,headers:{Accept:"text/html"},credentials:"same-origin"}).then(function(r){
if((r.headers.get("content-type")||"").indexOf("text/html")<0){location.href=r.url;return}
return r.text().then(function(t){done();swap(r.url,t,f,had)})}).catch(function(){done();HTMLFormElement.prototype.submit.call(f)})});
})()"##;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // First in the body, so that it is the first thing Tab reaches.
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-3 focus:z-50 focus:rounded-md focus:bg-white focus:px-4 focus:py-2 focus:text-sm focus:font-semibold focus:text-indigo-700 focus:shadow-lg focus:outline-2 focus:outline-indigo-600">
            "Skip to main content"
        </a>
        <Router>
            // Every page is rendered whole before it is sent (Async), so that it
            // reads and works as it arrives, with or without scripts.
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                <Route path=path!("/signin") view=SignInPage ssr=SsrMode::Async/>
                <Route path=path!("/signup") view=SignUpPage ssr=SsrMode::Async/>
                <Route path=path!("/workspaces/new") view=NewWorkspacePage ssr=SsrMode::Async/>
                <Route path=path!("/account/tokens") view=TokensPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=AcceptInvitationPage ssr=SsrMode::Async/>
                <Route path=path!("/confirm") view=ConfirmPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/w/:wid") view=WorkspaceLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=BoardsPage ssr=SsrMode::Async/>
                    <Route path=path!("boards") view=BoardsPage ssr=SsrMode::Async/>
                    <Route path=path!("boards/:bid") view=BoardPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("roles") view=RolesPage ssr=SsrMode::Async/>
                    <Route path=path!("groups") view=GroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=SettingsPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
