"""The pages of a part gallery: index pages, class pages and the rating form.

Static and self-contained: inline CSS and script, no request beyond the
site's own files. The rating form keeps a reader's ratings in the browser
(localStorage, across the class pages) and saves all of them as one JSON
file the reader downloads (:data:`RATINGS_FORMAT`).
"""
import html
import json
from typing import Dict, List, Optional, Sequence

RATINGS_FORMAT = 'mmpartdistill-part-ratings'
SCALE = (1, 5)
# the paper's three criteria of its manual evaluation, with what the ends of the scale mean
CRITERIA = {
    'precision': ('Do the clusters follow real parts of the object?', 'no cluster is a part',
                  'every cluster is one clean part'),
    'diversity': ('Are the object\'s different parts found as different clusters?',
                  'one part, or the same part again', 'every main part has its own cluster'),
    'generality': ('Is each cluster the same part across the varied examples?',
                   'each example shows something else', 'the same part in every example'),
}

STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;max-width:72em;color:#222}
table{border-collapse:collapse}
td,th{padding:.25em .6em;border-bottom:1px solid #ddd;text-align:left}
.notice{background:#fff4e5;border:1px solid #f0b37e;padding:.6em 1em;margin:1em 0}
.notice li{font-family:monospace;font-size:.85em}
.strip{display:flex;flex-wrap:wrap;gap:4px;margin:.3em 0 1.2em}
.strip figure{margin:0;text-align:center;font-size:.7em}
.strip img{display:block;border:1px solid #ccc;image-rendering:pixelated}
.missing{width:96px;height:96px;display:flex;align-items:center;justify-content:center;
background:#eee;border:1px dashed #999;font-size:.7em;word-break:break-all;padding:2px}
fieldset{margin:.6em 0;border:1px solid #ccc}nav a{margin-right:.6em}
"""


def page(title: str, body: str, script: str = '') -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(title)}</title><style>{STYLE}</style></head>'
            f'<body>{body}{"<script>" + script + "</script>" if script else ""}</body></html>\n')


def notice(problems: Dict[str, List[str]], counts: Dict[str, int]) -> str:
    """A box listing what was left out, by reason, with examples; '' when nothing was."""
    if not counts:
        return ''
    items = ''.join(f'<p><b>{html.escape(reason)}: {counts[reason]} left out</b></p><ul>' +
                    ''.join(f'<li>{html.escape(e)}</li>'
                            for e in problems.get(reason, [])) + '</ul>'
                    for reason in sorted(counts))
    return f'<div class="notice" id="problems"><p>Not everything could be shown.</p>{items}</div>'


def index_page(title: str, rows: Sequence[dict], page_no: int, pages: int, problems: str,
               search_script: str) -> str:
    """One page of the class index: name, objects, K and examples of each class."""
    nav = ' '.join(f'<a href="{index_name(p)}">{p + 1}</a>' if p != page_no else f'<b>{p + 1}</b>'
                   for p in range(pages))
    body = ''.join(
        f'<tr><td><a href="{r["href"]}">{html.escape(r["name"])}</a></td><td>{r["objects"]}</td>'
        f'<td>{r["k"]}</td><td>{r["examples"]}</td></tr>' for r in rows)
    return page(
        title, f'<h1>{html.escape(title)}</h1>{problems}'
        '<p><label>Search classes <input id="search" type="search" autocomplete="off"></label>'
        ' <span id="found"></span></p><ul id="results"></ul>'
        f'<nav>Pages: {nav}</nav><table id="classes"><thead><tr><th>class</th><th>objects</th>'
        f'<th>part clusters (K)</th><th>examples shown</th></tr></thead><tbody>{body}</tbody>'
        '</table>', search_script)


def index_name(page_no: int) -> str:
    return 'index.html' if page_no == 0 else f'index-{page_no + 1}.html'


SEARCH_SCRIPT = """
const box=document.getElementById('search'),out=document.getElementById('results'),
found=document.getElementById('found');
box.addEventListener('input',()=>{const q=box.value.trim().toLowerCase();out.innerHTML='';
if(!q){found.textContent='';return;}
const hits=CLASSES.filter(c=>c[0].toLowerCase().includes(q));
found.textContent=hits.length+' found';
for(const c of hits.slice(0,100)){
const li=document.createElement('li'),a=document.createElement('a');
a.href=c[1];a.textContent=c[0]+' ('+c[2]+' objects, K='+c[3]+')';
li.appendChild(a);out.appendChild(li);}});
"""


def class_page(name: str, strips: str, problems: str, back: str, gallery_id: str,
               empty: Optional[str]) -> str:
    """A class's page: a strip of best examples per part cluster, then the rating form."""
    content = f'<p class="notice" id="empty">{html.escape(empty)}</p>' if empty else strips
    return page(
        f'{name}: discovered parts',
        f'<nav><a href="{back}">all classes</a></nav><h1>{html.escape(name)}</h1>'
        f'{problems}{content}{rating_form(name)}', rating_script(name, gallery_id))


def rating_form(name: str) -> str:
    low, high = SCALE
    fields = ''.join(f'<fieldset><legend><b>{c}</b>: {html.escape(q)} ({low} = {html.escape(lo)}; '
                     f'{high} = {html.escape(hi)})</legend>' +
                     ''.join(f'<label><input type="radio" name="{c}" value="{v}"> {v}</label> '
                             for v in range(low, high + 1)) + '</fieldset>'
                     for c, (q, lo, hi) in CRITERIA.items())
    return ('<form id="rating" onsubmit="return false"><h2>Rate this class</h2>'
            f'<p>Each criterion on a scale of {low} to {high}, from the strips above.</p>'
            '<p><label>Your name <input id="rater" name="rater" required></label></p>'
            f'{fields}<p><label>Comment <input id="comment" name="comment" size="60"></label></p>'
            '<button type="button" id="save">Save ratings (downloads a JSON file)</button> '
            '<span id="status"></span></form>')


def rating_script(name: str, gallery_id: str) -> str:
    low, high = SCALE
    config = json.dumps(
        dict(
            format=RATINGS_FORMAT,
            version=1,
            gallery=gallery_id,
            name=name,
            criteria=list(CRITERIA),
            scale=dict(min=low, max=high)))
    return """
const C=%s,KEY='mmpartdistill-ratings:'+C.gallery,form=document.getElementById('rating'),
status=document.getElementById('status');
function stored(){try{return JSON.parse(localStorage.getItem(KEY))||{rater:'',ratings:{}};}
catch(e){return {rater:'',ratings:{}};}}
const s=stored();document.getElementById('rater').value=s.rater||'';
const mine=s.ratings[C.name]||{};
for(const c of C.criteria){if(mine[c]){
const r=form.querySelector('input[name='+c+'][value="'+mine[c]+'"]');if(r)r.checked=true;}}
document.getElementById('comment').value=mine.comment||'';
document.getElementById('save').addEventListener('click',()=>{
const rater=document.getElementById('rater').value.trim();
if(!rater){status.textContent='Give your name first.';return;}
const rating={};for(const c of C.criteria){const r=form.querySelector('input[name='+c+']:checked');
if(!r){status.textContent='Rate '+c+' first.';return;}rating[c]=Number(r.value);}
rating.comment=document.getElementById('comment').value;
const all=stored();all.rater=rater;all.ratings[C.name]=rating;
try{localStorage.setItem(KEY,JSON.stringify(all));}catch(e){}
const out={format:C.format,version:C.version,gallery:C.gallery,rater:rater,scale:C.scale,
criteria:C.criteria,saved:new Date().toISOString(),ratings:all.ratings};
const a=document.createElement('a');
a.href=URL.createObjectURL(new Blob([JSON.stringify(out,null,1)],{type:'application/json'}));
a.download='ratings-'+rater.replace(/[^A-Za-z0-9_-]+/g,'_')+'.json';document.body.appendChild(a);
a.click();a.remove();
status.textContent='Saved '+Object.keys(all.ratings).length+' rated classes to '+a.download;});
""" % config
