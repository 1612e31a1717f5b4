#!/bin/sh
# 45-html-vi-layouts.sh - general rules on hand-written pages shaped like common news layouts
# (Vietnamese portals, an old table layout with <br> paragraphs, div paragraphs) (sapo in h2, byline after the body, related-news boxes inside the body, JSON-LD
# breadcrumb, visible "GMT+7" dates). No site rules are involved.
. tests/lib.sh
have python3 || { skip "vi layout checks (python3 missing)"; exit 0; }
S=$FIX/html/synthetic
for k in dantri-like tuoitre-like old-table-layout div-paragraphs blog-wordpress; do
    BANTIN_DATA_DIR=$OUT bt parse --json "$S/$k.html" >"$OUT/$k.json" 2>/dev/null || fail "$k parses"
done
python3 - "$OUT" <<'PY'
import json, sys
out = sys.argv[1]
def say(ok, name, why=''):
    print(('PASS: ' if ok else 'FAIL: ') + name + ('' if ok else f' ({why})'))
want = {
    'dantri-like': dict(title='Giá xăng giảm mạnh từ chiều nay', published='2024-03-12T15:05:00+07:00',
                        author='Minh Anh', category='Kinh doanh', lead='(Dân trí) - Liên Bộ',
                        paras=4, first='Theo đó, giá xăng E5', last='Kỳ điều hành này',
                        captions=['Người dân đổ xăng tại Hà Nội (Ảnh: Mạnh Quân).'],
                        bad=['Giá vàng hôm nay', 'Bình luận', 'Tin mới nhất', 'Cơ quan chủ quản', 'giá xăng giá', 'Trang chủ']),
    'tuoitre-like': dict(title='Hà Nội cấm đường phục vụ lễ hội', published='2023-09-29T08:30:00+07:00',
                         author='THANH HÀ', category='Thời sự', lead='TTO - Công an Hà Nội',
                         paras=3, first='Theo thông báo', last='Lực lượng cảnh sát',
                         captions=['Phố đi bộ hồ Hoàn Kiếm - Ảnh: NAM TRẦN'],
                         bad=['Hà Nội chuẩn bị', 'Tin liên quan', 'Ùn tắc', 'Bản quyền', 'cấm đường phục vụ lễ hội cuối']),
    'old-table-layout': dict(title='Lễ hội đền Hùng 2009', published='2009-04-15T10:20:00+07:00',
                             author='Hoàng Lan', category=None, lead=None, paras=3, first='Sáng nay',
                             last='Lực lượng an ninh', captions=[],
                             bad=['Tin cũ', 'Trang chủ', 'Bản quyền', 'Cập nhật', 'Hoàng Lan']),
    'div-paragraphs': dict(title='Storm hits coast', published=None, author=None, category=None, lead=None,
                           paras=3, first='A powerful storm', last='"We have never', captions=[],
                           bad=['Facebook', 'More stories', 'Election', '© 2024', 'Home']),
    'blog-wordpress': dict(title='How we rebuilt the bridge', published='2021-06-03T09:15:00+00:00',
                           author='Jane Doe', category='Infrastructure', lead=None, paras=3,
                           first='The old bridge', last='Work finished', captions=[],
                           bad=['Share this', 'Related', 'thoughts on', 'Great work', 'Recent Posts',
                                'Proudly powered', 'Previous post', 'Posted on']),
}
for k, w in want.items():
    d = json.load(open(f'{out}/{k}.json', encoding='utf-8'))
    blocks = d.get('blocks', [])
    paras = [b['text'] for b in blocks if b['type'] == 'paragraph']
    body = '\n'.join(b['text'] for b in blocks)
    say(d.get('title') == w['title'], f'{k}: title', d.get('title'))
    say(d.get('published') == w['published'], f'{k}: published', d.get('published'))
    say(d.get('author') == w['author'], f'{k}: author from the byline', d.get('author'))
    say(d.get('category') == w['category'], f'{k}: category', d.get('category'))
    say((d.get('lead') or '').startswith(w['lead']) if w['lead'] else d.get('lead') is None, f'{k}: lead (sapo)', d.get('lead'))
    say(len(paras) == w['paras'], f'{k}: paragraph count', len(paras))
    say(bool(paras) and paras[0].startswith(w['first']) and paras[-1].startswith(w['last']), f'{k}: first and last paragraph')
    say([b['text'] for b in blocks if b['type'] == 'caption'] == w['captions'], f'{k}: captions')
    if k == 'blog-wordpress':
        kinds = [b['type'] for b in blocks]
        say(kinds == ['paragraph', 'heading', 'paragraph', 'list_item', 'list_item', 'quote', 'paragraph'],
            f'{k}: heading, list and quote in order', kinds)
    leaked = [s for s in w['bad'] if s in body]
    say(not leaked, f'{k}: no menus, related news, comments, tags or footer', leaked)
PY
