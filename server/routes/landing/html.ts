// The pages a customer's phone opens inside WeChat's browser, and the operator's printable
// poster: plain server-rendered HTML with inline styles (the CSP allows inline styles, never
// inline scripts), so the page needs no JavaScript and no second request but the QR image.

/** What the landing page shows. */
export type LandingView =
  | { kind: "active"; title: string; groupName: string; text: string; imageUrl: string; qrSrc: string }
  | { kind: "paused" | "empty"; title: string; text: string; imageUrl: string }
  | { kind: "not_found" };

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (value: string) => value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

const STYLE = `
*{box-sizing:border-box}body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#f2f4f7;color:#1f2329}
main{max-width:420px;margin:0 auto;padding:24px 20px 40px;text-align:center}
.card{background:#fff;border-radius:16px;padding:24px 20px;box-shadow:0 2px 12px rgba(0,0,0,.06)}
h1{font-size:20px;margin:0 0 8px}p{font-size:15px;line-height:1.6;color:#4e5969;margin:8px 0}
.banner{width:100%;border-radius:12px;margin-bottom:16px}
.group{display:flex;align-items:center;justify-content:center;gap:10px;margin:16px 0}
.avatar{width:44px;height:44px;border-radius:10px;background:#07c160;color:#fff;font-size:20px;line-height:44px;font-weight:600}
.name{font-size:17px;font-weight:600}
.qr{width:240px;height:240px;margin:8px auto;display:block;border:1px solid #eee;border-radius:8px}
.hint{font-size:16px;color:#07c160;font-weight:600}
.muted{color:#86909c;font-size:13px}
`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,maximum-scale=1"><title>${escape(title)}</title><style>${STYLE}</style></head><body><main><div class="card">${body}</div></main></body></html>`;
}

const banner = (imageUrl: string) => (imageUrl ? `<img class="banner" src="${escape(imageUrl)}" alt="">` : "");
const paragraph = (text: string) => (text ? `<p>${escape(text)}</p>` : "");

/**
 * @param view what to show.
 * @returns the landing page.
 */
export function landingHtml(view: LandingView): string {
  switch (view.kind) {
    case "not_found":
      return page("页面不存在", `<h1>页面不存在</h1><p>这个群活码不存在或已被删除。</p><p class="muted">请联系门店导购获取新的二维码。</p>`);
    case "paused":
      return page(view.title, `${banner(view.imageUrl)}<h1>${escape(view.title)}</h1><p>活动已暂停，暂时不能加入群聊。</p><p class="muted">请稍后再来，或联系门店导购。</p>`);
    case "empty":
      return page(view.title, `${banner(view.imageUrl)}<h1>${escape(view.title)}</h1><p>群已满员，新群正在准备中。</p><p class="muted">请稍后再扫码，或联系门店导购。</p>`);
    case "active": {
      const initial = escape(Array.from(view.groupName || view.title)[0] ?? "群");
      return page(
        view.title,
        `${banner(view.imageUrl)}<h1>${escape(view.title)}</h1>${paragraph(view.text)}` +
          `<div class="group"><div class="avatar">${initial}</div><div class="name">${escape(view.groupName || view.title)}</div></div>` +
          `<img class="qr" src="${escape(view.qrSrc)}" alt="群二维码"><p class="hint">长按识别二维码加入群聊</p>`,
      );
    }
  }
}

/**
 * @param poster the funnel's name and text, its permanent QR as a data URL, and the URL it encodes.
 * @returns a printable A4 poster.
 */
export function posterHtml(poster: { name: string; text: string; qrDataUrl: string; url: string }): string {
  const style = `@page{size:A4;margin:0}body{margin:0;font-family:"PingFang SC","Microsoft YaHei",sans-serif}
.poster{width:210mm;min-height:297mm;margin:0 auto;padding:30mm 20mm;text-align:center;background:linear-gradient(#e8f8ef,#fff)}
h1{font-size:40px;margin:0 0 16px}p{font-size:22px;color:#4e5969}img{width:120mm;height:120mm;margin:16mm auto 8mm;display:block}
.scan{font-size:28px;color:#07c160;font-weight:600}.url{font-size:14px;color:#86909c;word-break:break-all}`;
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(poster.name)} · 海报</title><style>${style}</style></head><body><div class="poster"><h1>${escape(poster.name)}</h1>${paragraph(poster.text)}<img src="${escape(poster.qrDataUrl)}" alt="群活码"><div class="scan">微信扫码 加入群聊</div><p class="url">${escape(poster.url)}</p></div></body></html>`;
}
