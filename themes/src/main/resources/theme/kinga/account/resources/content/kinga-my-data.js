// "Your data and privacy" in the kinga account console: what the self-service page offers, and
// the way there (/realms/<realm>/kinga-privacy/my-data leads to it wherever it is deployed).
// React comes from the account console's import map.
import { createElement as h } from "react";

const TEXT = {
  en: {
    title: "Your data and privacy",
    intro: "On the privacy page you can:",
    items: [
      "see and withdraw the consents you gave",
      "take a copy of all the data we hold about you (a file you can download, encrypted if you wish)",
      "ask for your account and your data to be erased, and change your mind during the waiting period",
    ],
    open: "Open the privacy page",
  },
  sw: {
    title: "Data yako na faragha yako",
    intro: "Kwenye ukurasa wa faragha unaweza:",
    items: [
      "kuona na kuondoa ridhaa ulizotoa",
      "kupata nakala ya data yote tunayohifadhi kukuhusu (faili unaloweza kupakua, lililosimbwa ukipenda)",
      "kuomba akaunti yako na data yako zifutwe, na kubadili nia katika muda wa kusubiri",
    ],
    open: "Fungua ukurasa wa faragha",
  },
};

export default function KingaMyData() {
  const text = (document.documentElement.lang || "en").toLowerCase().startsWith("sw") ? TEXT.sw : TEXT.en;
  const page = location.pathname.replace(/\/account(\/.*)?$/, "/kinga-privacy/my-data") + "?signin=1";
  return h("section", { className: "pf-v5-c-page__main-section", id: "kinga-my-data" },
    h("h1", { className: "pf-v5-c-title pf-m-2xl" }, text.title),
    h("p", { style: { margin: "1rem 0 .5rem" } }, text.intro),
    h("ul", { className: "pf-v5-c-list" }, ...text.items.map((item) => h("li", { key: item }, item))),
    h("p", { style: { marginTop: "1.5rem" } },
      h("a", { href: page, id: "kinga-my-data-link", className: "pf-v5-c-button pf-m-primary" }, text.open)));
}
