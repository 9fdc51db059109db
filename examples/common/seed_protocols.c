#include "seed_protocols.h"

const seed_protocol seed_protocols[] = {
    /* Basic protocol definitions */
    {"http-web", "^(GET|POST|HEAD|PUT|DELETE|OPTIONS|TRACE|CONNECT) .*HTTP/1\\.[01]"},
    {"facebook", "^.*(facebook|fbcdn|fbsbx).*$"},
    {"twitter", "^.*(twitter|twimg).*$"},
    {"instagram", "^.*(instagram|cdninstagram).*$"},
    {"tiktok", "^.*(tiktok|musical\\.ly).*$"},
    {"youtube", "^.*(youtube|googlevideo|ytimg).*$"},
    {"netflix", "^.*(netflix|nflxvideo).*$"},
    {"twitch", "^.*(twitch|twitchcdn).*$"},
    {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:|\\x47\\x45\\x54\\x2f)"},
    {"edonkey", "^[\\xe3\\xc6\\xd4\\xc7\\xe5]"},
    /* Messaging and communication */
    {"telegram", "^.*(telegram|t\\.me).*$"},
    {"whatsapp", "^.*(whatsapp|wa\\.me).*$"},
    {"discord", "^.*(discord|discordapp).*$"},
    {"skype", "^.*(skype|live\\.com).*$"},
    {"sip-voip", "^(INVITE|REGISTER|OPTIONS|ACK|BYE) sip:"},
    {"teamspeak", "^\\xf4\\xbe\\x03.*$"},
    {"teamviewer", "^.*(teamviewer|dyngate).*$"},
    {"anydesk", "^.*anydesk.*$"},
    /* Gaming and entertainment */
    {"steam", "^.*(steam|steamcontent|steamstatic).*$"},
    {"origin", "^.*(origin|ea\\.com).*$"},
    {"battlenet", "^.*(battle\\.net|blizzard).*$"},
    {"geforce-now", "^.*(nvidia|geforce).*$"},
    {"google-stadia", "^.*stadia.*$"},
    {"spotify", "^.*(spotify|scdn\\.co).*$"},
    {"apple-music", "^.*(apple|itunes).*$"},
    /* Advanced layer-7 techniques */
    {"custom-app", "^.*User-Agent: CustomApp/.*$"},
    {"internal-api", "^GET /api/v[0-9]+/.*$"},
    {"proprietary-protocol", "^\\x4d\\x59\\x41\\x50\\x50.*$"},
    {"youtube-video", "^.*(youtube\\.com/watch|googlevideo\\.com).*$"},
    {"netflix-streaming", "^.*(netflix\\.com|nflxvideo\\.net).*$"},
    {"fortnite", "^.*epicgames.*$"},
    {"pubg", "^.*(pubg|krafton).*$"},
    /* Performance optimization */
    {"simple-match", "^.*youtube.*$"},
};

const size_t seed_protocol_count = sizeof(seed_protocols) / sizeof(seed_protocols[0]);
